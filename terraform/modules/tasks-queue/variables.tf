variable "project_id" {
  description = "Project of the queue."
  type        = string
}

variable "region" {
  description = "Region of the queue."
  type        = string
}

variable "name" {
  description = "Queue name, e.g. storage-gateway-provisioning."
  type        = string
}

variable "max_dispatches_per_second" {
  description = "Rate at which tasks are dispatched; protects the target and the systems it calls."
  type        = number
  default     = 5
}

variable "max_concurrent_dispatches" {
  description = "Tasks in flight at once."
  type        = number
  default     = 10
}

variable "max_attempts" {
  description = "Attempts per task, first included (-1: unlimited). Handlers are idempotent per task name."
  type        = number
  default     = 10
}

variable "max_retry_duration" {
  description = "Stop retrying a task after this long (0s: no limit beyond max_attempts)."
  type        = string
  default     = "86400s"
}

variable "min_backoff" {
  description = "Wait before the first retry."
  type        = string
  default     = "10s"
}

variable "max_backoff" {
  description = "Longest wait between retries."
  type        = string
  default     = "3600s"
}

variable "max_doublings" {
  description = "Times the wait doubles before growing linearly."
  type        = number
  default     = 5
}

variable "log_sampling_ratio" {
  description = "Fraction of task operations logged to Cloud Logging (0 to 1)."
  type        = number
  default     = 1
}

variable "enqueuers" {
  description = "Members granted roles/cloudtasks.enqueuer on this queue only, keyed by a label known at plan time: { storage-gateway = \"serviceAccount:...\" }."
  type        = map(string)
  default     = {}
}

variable "task_service_account_id" {
  description = <<-EOT
    Service account whose OIDC token the tasks carry (projects/<project>/serviceAccounts/<email>),
    or null. Creating such a task requires acting as that account, so each enqueuer is granted
    roles/iam.serviceAccountUser on it (and on nothing else). That account needs run.invoker on the
    target service, granted where the service is defined.
  EOT
  type        = string
  default     = null
}
