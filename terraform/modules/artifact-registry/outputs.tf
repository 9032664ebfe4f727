output "path" {
  description = "What CI's REGISTRY variable and the environments' image_repository are set to."
  value       = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.this.repository_id}"
}
