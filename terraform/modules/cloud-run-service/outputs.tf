output "name" {
  description = "Service name."
  value       = google_cloud_run_v2_service.this.name
}

output "id" {
  description = "Service resource id."
  value       = google_cloud_run_v2_service.this.id
}

output "url" {
  description = "Deterministic service URL (https://<name>-<project number>.<region>.run.app), known at plan time; the audience for ID tokens."
  value       = local.url
}

output "uri" {
  description = "The main URI Cloud Run reports for the service."
  value       = google_cloud_run_v2_service.this.uri
}

output "service_account_email" {
  description = "Email of the service's runtime service account (grant it resource-level roles, e.g. on a bucket or queue)."
  value       = google_service_account.this.email
}

output "service_account_member" {
  description = "The runtime service account as an IAM member string."
  value       = "serviceAccount:${google_service_account.this.email}"
}
