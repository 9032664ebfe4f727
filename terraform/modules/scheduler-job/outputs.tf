output "id" {
  description = "Job resource id."
  value       = google_cloud_scheduler_job.this.id
}

output "name" {
  description = "Job name (for `gcloud scheduler jobs run <name> --location <region>`)."
  value       = google_cloud_scheduler_job.this.name
}
