output "id" {
  description = "Full resource name, projects/<project>/secrets/<secret_id>: what Cloud Run's secret references take."
  value       = google_secret_manager_secret.this.id
}

output "secret_id" {
  description = "Short name of the secret."
  value       = google_secret_manager_secret.this.secret_id
}
