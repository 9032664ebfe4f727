variable "project_id" {
  description = "Project of the environment."
  type        = string
}

variable "region" {
  description = "Region of the Cloud Run services and queues."
  type        = string
}

variable "environment" {
  description = "Environment name: in every policy's and the dashboard's name, and in each alert email's subject."
  type        = string
}

variable "alert_emails" {
  description = "Addresses the alerts are emailed to (one email notification channel each): the operators' list."
  type        = list(string)
}

variable "services" {
  description = "Cloud Run services (one per app), name => URL: each gets 5xx, latency and uptime alerts (the uptime check calls <URL>/healthz)."
  type        = map(string)
}

variable "jobs" {
  description = "Scheduled jobs, keyed \"<app>/<job>\" (modules/job-schedules output `jobs`): each gets an absence alert."
  type = map(object({
    app             = string
    job             = string
    schedule        = string
    period_minutes  = number
    absence_minutes = number
  }))
}

variable "task_queues" {
  description = "Cloud Tasks queue names in var.region to watch."
  type        = list(string)
  default     = []
}

variable "database_instance" {
  description = "Cloud SQL instance name (its database_id is <project>:<instance>)."
  type        = string
}

variable "thresholds" {
  description = "Alert thresholds. latency_p95_ms may be set per service in latency_p95_ms_by_service."
  type = object({
    error_percent             = optional(number, 5)  # 5xx as a percentage of all requests over 5 minutes
    min_requests              = optional(number, 10) # fewer requests in 5 minutes: no 5xx or latency alert
    latency_p95_ms            = optional(number, 5000)
    latency_p95_ms_by_service = optional(map(number), {})
    queue_depth               = optional(number, 100)
    queue_delay_ms            = optional(number, 600000) # p99 delay between a task's due time and its attempt
    database_cpu_percent      = optional(number, 80)
    database_disk_percent     = optional(number, 85)
    database_connections      = optional(number, 80)
  })
  default = {}
}

variable "log_metric_wait" {
  description = "How long the alert policies on log-based metrics wait after those metrics are created (on create only): Cloud Monitoring can take up to 10 minutes to accept a new metric in a policy."
  type        = string
  default     = "600s"
}
