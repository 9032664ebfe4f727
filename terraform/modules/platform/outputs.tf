output "app_urls" {
  description = "Service URL of each app."
  value       = { for name, app in module.apps : name => app.url }
}

output "app_service_accounts" {
  description = "Runtime service account of each app (covid-pool: share each College's sheet with it, Viewer)."
  value       = { for name, app in module.apps : name => app.service_account_email }
}

output "secrets_to_fill" {
  description = "Secrets Terraform created without a value: add one version to each (terraform/README.md)."
  value = concat(
    [module.db_migrate_secret.secret_id],
    flatten([for app in values(module.apps) : values(app.secret_ids)]),
  )
}

output "database_connection_name" {
  description = "Cloud SQL connection name (socket /cloudsql/<name>)."
  value       = module.database.connection_name
}

output "database_private_ip" {
  description = "Cloud SQL private IP. DATABASE_URL uses the socket instead: over this IP, sslmode=require verifies the certificate, which names no IP."
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
