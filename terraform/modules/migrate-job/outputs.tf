output "name" {
  description = "Job name (gcloud run jobs execute <name> --region <region> --wait)."
  value       = google_cloud_run_v2_job.this.name
}

output "service_account_email" {
  description = "The job's service account (the CI deployer needs roles/iam.serviceAccountUser on it to update the job)."
  value       = google_service_account.this.email
}
