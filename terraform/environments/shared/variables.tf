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

variable "app_settings" {
  description = "Each app's settings, keyed by app name: { covid-pool = { export_callers = [...], env = {...} }, lookup-gitlab-sync = { gitlab_url = ..., ... } }. Typed, documented and checked once, in modules/platform/variables.tf; this root passes it through."
  type        = any
}

variable "operator_groups" {
  description = "Google Groups of operators (run.invoker on every service); the apps' operator role still checks operator_emails."
  type        = list(string)
  default     = []
}

variable "viewer_members" {
  description = "Read-only people and groups, as IAM members: [\"group:platform-viewers@example.ac.uk\", \"user:someone@example.ac.uk\"]."
  type        = list(string)
  default     = []
}

variable "alert_emails" {
  description = "Where alerts are emailed (an operators' list); empty: operator_emails."
  type        = list(string)
  default     = []
}

variable "alert_thresholds" {
  description = "Alert thresholds, e.g. { latency_p95_ms = 3000, database_connections = 150 } (modules/monitoring/variables.tf); {}: the defaults."
  type        = any
  default     = {}
}

variable "deployer_service_account" {
  description = "CI's deployer service account email for this environment (roles/iam.serviceAccountUser on the accounts it deploys as, nothing project-wide); null: granted by hand."
  type        = string
  default     = null
}

variable "database_iam_auth" {
  description = "Apps log in to Cloud SQL as their service accounts (DATABASE_IAM_AUTH) instead of with passwords: see docs/operations.md, \"Database roles\", before turning it on."
  type        = bool
  default     = false
}
