output "notification_channels" {
  description = "Email notification channel ids."
  value       = local.channels
}

output "absence_alerts" {
  description = "Absence alert policy per scheduled job, keyed \"<app>/<job>\"."
  value       = { for key, policy in google_monitoring_alert_policy.job_absent : key => policy.name }
}

output "dashboard_id" {
  description = "The environment's dashboard."
  value       = google_monitoring_dashboard.this.id
}
