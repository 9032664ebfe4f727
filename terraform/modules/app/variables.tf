variable "project_id" {
  description = "Project of the environment."
  type        = string
}

variable "region" {
  description = "Region of the service, its jobs and secrets' replicas."
  type        = string
}

variable "name" {
  description = "App name as in apps/<name>: names the service, its secrets (<name>-<env-var>) and service accounts (<name>-run, <name>-sched)."
  type        = string

  validation {
    # Service account ids are at most 30 characters: <name>-sched must fit.
    condition     = can(regex("^[a-z][a-z0-9-]{0,22}[a-z0-9]$", var.name))
    error_message = "name must be 2-24 lowercase letters, digits or '-', starting with a letter."
  }
}

variable "image" {
  description = "Container image of this release."
  type        = string
}

variable "env" {
  description = "Plain settings. JOB_AUTH_MODE and JOB_ALLOWED_EMAILS are set by this module and win over these."
  type        = map(string)
  default     = {}
}

variable "secret_env_names" {
  description = "Settings read from Secret Manager. Each gets its own secret, <name>-<env var in kebab case> (DATABASE_URL -> covid-pool-database-url), readable by this service only. Terraform creates the secret, never its value."
  type        = list(string)
  default     = []
}

variable "secret_versions" {
  description = "Secret version per setting (default \"latest\", resolved when an instance starts). Pin a number to roll a credential deliberately."
  type        = map(string)
  default     = {}
}

variable "secret_replica_locations" {
  description = "Where secret payloads are stored; empty lets Google choose."
  type        = list(string)
  default     = []
}

variable "jobs" {
  description = <<-EOT
    Scheduled jobs: { import-all = { path = "/jobs/import-all", schedule = "0 6 * * *" } }. Each becomes
    a Scheduler job named <name>-<key> that POSTs to the service's URL + path with an OIDC token of
    this app's scheduler service account.
  EOT
  type = map(object({
    path             = string
    schedule         = string
    time_zone        = optional(string, "Europe/London")
    description      = optional(string, "")
    retry_count      = optional(number, 0)
    attempt_deadline = optional(string, "600s")
    paused           = optional(bool, false)
  }))
  default = {}
}

variable "invokers" {
  description = "Other members allowed through Cloud Run's invoker check (operators, downstream service accounts), keyed by a label known at plan time. The scheduler account is added by this module."
  type        = map(string)
  default     = {}
}

variable "extra_job_callers" {
  description = "Service account emails, besides this app's scheduler account, allowed to call job endpoints (JOB_ALLOWED_EMAILS). They also need an entry in invokers."
  type        = list(string)
  default     = []
}

variable "cloud_sql_instances" {
  description = "Cloud SQL connection names mounted under /cloudsql."
  type        = list(string)
  default     = []
}

variable "vpc_access" {
  description = "Direct VPC egress. null: none."
  type = object({
    network    = string
    subnetwork = string
    egress     = optional(string, "PRIVATE_RANGES_ONLY")
  })
  default = null
}

variable "min_instances" {
  description = "Minimum instances."
  type        = number
  default     = 0
}

variable "max_instances" {
  description = "Maximum instances."
  type        = number
  default     = 3
}

variable "cpu" {
  description = "CPU limit per instance."
  type        = string
  default     = "1"
}

variable "memory" {
  description = "Memory limit per instance."
  type        = string
  default     = "512Mi"
}

variable "request_timeout_seconds" {
  description = "Request timeout; at least the longest job's attempt deadline."
  type        = number
  default     = 600
}

variable "ingress" {
  description = "Cloud Run ingress setting."
  type        = string
  default     = "INGRESS_TRAFFIC_ALL"
}

variable "labels" {
  description = "Labels on the app's resources."
  type        = map(string)
  default     = {}
}

variable "deletion_protection" {
  description = "Refuse `terraform destroy` of the service."
  type        = bool
  default     = true
}

variable "public" {
  description = <<-EOT
    A service people reach from their browsers (web sign-in): public at Cloud Run, with
    JOB_AUTH_MODE=oidc so that the app verifies the Scheduler's and Cloud Tasks' ID tokens itself
    (audience: the service URL). Otherwise private, with JOB_AUTH_MODE=iam.
  EOT
  type        = bool
  default     = false
}

variable "deployer_member" {
  description = "IAM member of CI's deployer (serviceAccount:<email>): gets roles/iam.serviceAccountUser on the app's accounts (runtime and Scheduler), before its service and Scheduler jobs are created. null: granted by hand."
  type        = string
  default     = null
}

variable "iam_propagation_wait" {
  description = "How long its service and Scheduler jobs wait, on create only, after the deployer's binding (IAM changes take up to a few minutes to apply)."
  type        = string
  default     = "120s"
}
