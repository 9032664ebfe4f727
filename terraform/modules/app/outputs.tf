output "url" {
  description = "Service URL (also the ID-token audience)."
  value       = module.service.url
}

output "service_name" {
  description = "Cloud Run service name."
  value       = module.service.name
}

output "service_account_email" {
  description = "Runtime service account."
  value       = module.service.service_account_email
}

output "scheduler_service_account_email" {
  description = "Service account Scheduler calls the jobs as (null without jobs)."
  value       = local.scheduler_email
}

output "secret_ids" {
  description = "Secret per setting, { DATABASE_URL = \"covid-pool-database-url\" }: add their values by hand."
  value       = { for env_name, secret in module.secret : env_name => secret.secret_id }
}

output "scheduler_jobs" {
  description = "Scheduler job names by key."
  value       = { for key, job in module.job : key => job.name }
}
