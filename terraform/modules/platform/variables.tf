# --- what differs between environments ------------------------------------------------------------

variable "project_id" {
  description = "The environment's project (one project per environment)."
  type        = string
}

variable "region" {
  description = "Region of every regional resource."
  type        = string
}

variable "environment" {
  description = "Environment name (development, staging, production): names the Cloud SQL instance, platform-<environment>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*$", var.environment))
    error_message = "environment must be lowercase letters, digits or '-', starting with a letter."
  }
}

variable "jobs_force_dry_run" {
  description = "JOBS_FORCE_DRY_RUN of every app: true makes every job plan but never write (development, staging)."
  type        = bool
}

variable "database" {
  description = "Cloud SQL sizing and recovery: tier, ZONAL or REGIONAL, daily backups kept, point-in-time recovery. The instance always has deletion protection."
  type = object({
    tier                   = string
    availability_type      = string
    retained_backups       = number
    point_in_time_recovery = bool
  })
}

variable "max_instances" {
  description = "Maximum Cloud Run instances per app. Instances x DATABASE_POOL_SIZE (5) over all apps must stay below the Cloud SQL instance's max_connections."
  type = object({
    covid_pool         = number
    lookup_gitlab_sync = number
  })
}

variable "deletion_protection" {
  description = "Deletion protection of the Cloud Run services and the migrate job (not of the Cloud SQL instance, which always has it)."
  type        = bool
}

# --- release -------------------------------------------------------------------------------------

variable "image_repository" {
  description = "Artifact Registry path the images are pushed to; images are <repository>/<app>:<tag>."
  type        = string
}

variable "image_tag" {
  description = "Tag of this release (the commit SHA CI built); every app is built at every commit."
  type        = string
}

variable "image_tag_overrides" {
  description = "Per-app tag, to roll one app back or forward alone: { covid-pool = \"<sha>\" }."
  type        = map(string)
  default     = {}
}

# --- settings the operators fill in (passed through from the root's variables) -------------------

variable "log_level" {
  description = "LOG_LEVEL of every app."
  type        = string
}

variable "operator_emails" {
  description = "People who operate the apps (run reports, manual runs): OPERATOR_EMAILS, and run.invoker on the services."
  type        = list(string)
  default     = []
}

variable "mail_from" {
  description = "MAIL_FROM of every app."
  type        = string
}

variable "covid_pool_export_callers" {
  description = "Service account emails of the downstream systems that pull GET /export from covid-pool: run.invoker on covid-pool and its EXPORT_ALLOWED_EMAILS (the export role: GET /export and nothing else)."
  type        = list(string)
  default     = []
}

variable "covid_pool_extra_env" {
  description = "Optional covid-pool settings (COVID_POOL_MAX_POOL_SIZE, COVID_POOL_FALLBACK_CONTACT, SHEETS_API_URL, ...). Unset ones take the app's defaults."
  type        = map(string)
  default     = {}
}

variable "gitlab_url" {
  description = "GITLAB_URL: the GitLab instance lookup-gitlab-sync manages."
  type        = string
}

variable "gitlab_identity_provider" {
  description = "GITLAB_IDENTITY_PROVIDER (null: the app's default)."
  type        = string
  default     = null
}

variable "lookup_url" {
  description = "LOOKUP_URL: the Lookup API root, version included."
  type        = string
}

variable "lookup_auth" {
  description = "LOOKUP_AUTH: basic (LOOKUP_USERNAME + secret LOOKUP_PASSWORD) or oauth2 (LOOKUP_TOKEN_URL, LOOKUP_CLIENT_ID + secret LOOKUP_CLIENT_SECRET)."
  type        = string
  default     = "basic"

  validation {
    condition     = contains(["basic", "oauth2"], var.lookup_auth)
    error_message = "lookup_auth must be basic or oauth2."
  }
}

variable "lookup_username" {
  description = "LOOKUP_USERNAME (basic)."
  type        = string
  default     = null
}

variable "lookup_token_url" {
  description = "LOOKUP_TOKEN_URL (oauth2)."
  type        = string
  default     = null
}

variable "lookup_client_id" {
  description = "LOOKUP_CLIENT_ID (oauth2)."
  type        = string
  default     = null
}

variable "ops_email" {
  description = "OPS_EMAIL: where lookup-gitlab-sync reports refused runs and changes."
  type        = string
}

variable "lookup_gitlab_sync_extra_env" {
  description = "Optional lookup-gitlab-sync settings (LOOKUP_BATCH_SIZE, SYNC_MAX_CHANGE_RATIO, ...). Unset ones take the app's defaults."
  type        = map(string)
  default     = {}
}
