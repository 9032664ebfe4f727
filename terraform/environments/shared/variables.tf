# Shared by every environment root: each root links this file (terraform reads only its own folder).

variable "project_id" {
  description = "This environment's project (one project per environment)."
  type        = string
}

variable "region" {
  description = "Region of every regional resource."
  type        = string
  default     = "europe-west2"
}

variable "image_repository" {
  description = "Artifact Registry path the images are pushed to, e.g. europe-west2-docker.pkg.dev/<ci project>/platform; images are <repository>/<app>:<tag>."
  type        = string
}

variable "image_tag" {
  description = "Tag of this release, the commit SHA CI built (`-var image_tag=$CI_COMMIT_SHA`). Every app is built at every commit."
  type        = string
}

variable "image_tag_overrides" {
  description = "Per-app tag, to roll one app back or forward alone: { covid-pool = \"<sha>\" }."
  type        = map(string)
  default     = {}
}

variable "log_level" {
  description = "LOG_LEVEL of every app; unset: the environment's own default (debug in development, info elsewhere)."
  type        = string
  default     = null
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
  description = "Service account emails of the downstream systems that pull GET /export from covid-pool. They get run.invoker on covid-pool and a place in its EXPORT_ALLOWED_EMAILS: the export role reaches GET /export and nothing else."
  type        = list(string)
  default     = []
}

variable "covid_pool_extra_env" {
  description = "Optional covid-pool settings, e.g. { COVID_POOL_MAX_POOL_SIZE = \"10\", COVID_POOL_FALLBACK_CONTACT = \"...\", SHEETS_API_URL = \"...\" }. Unset ones take the app's defaults."
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
  description = "Optional lookup-gitlab-sync settings: LOOKUP_BATCH_SIZE, SYNC_MAX_CHANGE_RATIO, SYNC_MAX_CHANGES, SYNC_EXTERNAL_INACTIVE_MONTHS, SYNC_APPLY_CONCURRENCY, SYNC_NOTIFY_ON_CHANGE. Unset ones take the app's defaults."
  type        = map(string)
  default     = {}
}
