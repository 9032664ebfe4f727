# Shared by every environment root: each root links this file (terraform reads only its own folder).

output "app_urls" {
  description = "Service URL of each app."
  value       = module.platform.app_urls
}

output "app_service_accounts" {
  description = "Runtime service account of each app (covid-pool: share each College's sheet with it, Viewer)."
  value       = module.platform.app_service_accounts
}

output "secrets_to_fill" {
  description = "Secrets Terraform created without a value: add one version to each (terraform/README.md)."
  value       = module.platform.secrets_to_fill
}

output "database_connection_name" {
  description = "Cloud SQL connection name (socket /cloudsql/<name>)."
  value       = module.platform.database_connection_name
}

output "database_private_ip" {
  description = "Cloud SQL private IP. DATABASE_URL uses the socket instead: over this IP, sslmode=require verifies the certificate, which names no IP."
  value       = module.platform.database_private_ip
}

output "migrate_job" {
  description = "Cloud Run Job that applies migrations (CI: gcloud run jobs execute <name> --wait)."
  value       = module.platform.migrate_job
}

output "migrate_service_account" {
  description = "Service account of the migrate job."
  value       = module.platform.migrate_service_account
}
