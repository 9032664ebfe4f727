output "covid_pool_url" {
  description = "covid-pool service URL."
  value       = module.covid_pool.url
}

output "covid_pool_service_account" {
  description = "covid-pool runtime service account: share each College's sheet with it (Viewer)."
  value       = module.covid_pool.service_account_email
}

output "lookup_gitlab_sync_url" {
  description = "lookup-gitlab-sync service URL."
  value       = module.lookup_gitlab_sync.url
}

output "secrets_to_fill" {
  description = "Secrets Terraform created without a value: add one version to each (terraform/README.md)."
  value = concat(
    [module.db_migrate_secret.secret_id],
    values(module.covid_pool.secret_ids),
    values(module.lookup_gitlab_sync.secret_ids),
  )
}

output "database_connection_name" {
  description = "Cloud SQL connection name (socket /cloudsql/<name>)."
  value       = module.database.connection_name
}

output "database_private_ip" {
  description = "Cloud SQL private IP (DATABASE_URL host over Direct VPC egress)."
  value       = module.database.private_ip_address
}

output "migrate_job" {
  description = "Cloud Run Job that applies migrations (CI: gcloud run jobs execute <name> --wait)."
  value       = module.db_migrate.name
}

output "migrate_service_account" {
  description = "Service account of the migrate job."
  value       = module.db_migrate.service_account_email
}
