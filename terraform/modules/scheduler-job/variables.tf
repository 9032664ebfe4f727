variable "project_id" {
  description = "Project of the job."
  type        = string
}

variable "region" {
  description = "Region of the job."
  type        = string
}

variable "name" {
  description = "Job name, e.g. covid-pool-import-all."
  type        = string
}

variable "description" {
  description = "What the job does."
  type        = string
  default     = ""
}

variable "schedule" {
  description = "unix-cron schedule, e.g. \"0 6 * * *\"."
  type        = string
}

variable "time_zone" {
  description = "tz database name the schedule is read in (handles BST/GMT)."
  type        = string
  default     = "Europe/London"
}

variable "uri" {
  description = "Full URL to call, e.g. https://covid-pool-123.europe-west2.run.app/jobs/import-all."
  type        = string

  validation {
    condition     = startswith(var.uri, "https://")
    error_message = "uri must be an https:// URL."
  }
}

variable "http_method" {
  description = "HTTP method."
  type        = string
  default     = "POST"
}

variable "body" {
  description = "Request body as plain text (encoded here); null sends none."
  type        = string
  default     = null
}

variable "headers" {
  description = "Extra request headers."
  type        = map(string)
  default     = {}
}

variable "service_account_email" {
  description = "Service account whose Google-signed ID token Scheduler sends. It needs roles/run.invoker on the target service only."
  type        = string
}

variable "audience" {
  description = "The ID token's audience: the target service's URL, set explicitly (not derived from uri, which carries a path)."
  type        = string

  validation {
    condition     = startswith(var.audience, "https://") && !endswith(var.audience, "/")
    error_message = "audience must be the service URL: https://..., without a trailing slash."
  }
}

variable "attempt_deadline" {
  description = "How long Scheduler waits for one attempt (15s to 1800s). Keep it within the service's request timeout."
  type        = string
  default     = "600s"
}

variable "retry_count" {
  description = "Retries after a failed attempt. Jobs are idempotent and a concurrent call gets 409, so retries are safe; 0 for frequent jobs whose next run is the retry."
  type        = number
  default     = 0
}

variable "min_backoff_duration" {
  description = "Wait before the first retry."
  type        = string
  default     = "60s"
}

variable "max_backoff_duration" {
  description = "Longest wait between retries."
  type        = string
  default     = "600s"
}

variable "max_doublings" {
  description = "Times the wait doubles before growing linearly."
  type        = number
  default     = 3
}

variable "max_retry_duration" {
  description = "Time limit for retrying a failed run; 0s means no limit beyond retry_count."
  type        = string
  default     = "0s"
}

variable "paused" {
  description = "Create the job paused."
  type        = bool
  default     = false
}
