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

variable "database_iam_auth" {
  description = "DATABASE_IAM_AUTH of every app: log in to Cloud SQL as its service account with an access token. Turn on once each app's DATABASE_URL secret names its IAM user and the grants are made (docs/operations.md, \"Database roles\")."
  type        = bool
  default     = false
}

variable "max_instances" {
  description = "Maximum Cloud Run instances per app, keyed by app name (an app left out gets 2). Instances x DATABASE_POOL_SIZE (5) over all apps must stay below the Cloud SQL instance's max_connections."
  type        = map(number)
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

variable "operator_groups" {
  description = "Google Groups of operators: run.invoker on every service (the apps' operator role itself still checks OPERATOR_EMAILS: list each person in operator_emails too)."
  type        = list(string)
  default     = []
}

variable "viewer_members" {
  description = "IAM members (user:<email> or group:<email>) who read dashboards, alerts, logs and service configuration: monitoring, logging, run and scheduler viewer roles."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for member in var.viewer_members : can(regex("^(user|group):", member))])
    error_message = "viewer_members are user:<email> or group:<email>."
  }
}

variable "alert_emails" {
  description = "Where alerts are emailed (an operators' list); empty: operator_emails."
  type        = list(string)
  default     = []
}

variable "alert_thresholds" {
  description = "Alert thresholds (modules/monitoring variable thresholds); {} keeps the defaults."
  type        = any
  default     = {}
}

variable "deployer_service_account" {
  description = "Email of CI's deployer service account: gets roles/iam.serviceAccountUser on each account this configuration runs things as (and no project-wide actAs). null: granted by hand."
  type        = string
  default     = null
}

variable "mail_from" {
  description = "MAIL_FROM of every app."
  type        = string
}

variable "app_settings" {
  description = <<-EOT
    Each app's settings, keyed by app name (apps/manifest.json); the roots pass their operators'
    `app_settings` through unchanged. `env` is any further plain setting of that app (unset ones take
    the app's defaults, see its README); the typed attributes are the settings Terraform itself uses.
  EOT
  type = object({
    covid-pool = optional(object({
      # Service account emails of the downstream systems that pull GET /export: run.invoker on
      # covid-pool and its EXPORT_ALLOWED_EMAILS (the export role: GET /export and nothing else).
      export_callers = optional(list(string), [])
      # COVID_POOL_MAX_POOL_SIZE, COVID_POOL_FALLBACK_CONTACT, SHEETS_API_URL, ...
      env = optional(map(string), {})
    }), {})
    cufs-api = object({
      cufs_url       = string                     # CUFS_URL: CUFS's server root (the client adds /api/v1 and /oauth/token)
      cufs_auth      = optional(string, "oauth2") # oauth2 (CUFS_CLIENT_ID + secret CUFS_CLIENT_SECRET) or basic
      cufs_username  = optional(string)           # CUFS_USERNAME (basic; secret CUFS_PASSWORD)
      cufs_client_id = optional(string)           # CUFS_CLIENT_ID (oauth2)
      po_supplier    = string                     # FINANCE_PO_SUPPLIER: the supplier purchase orders must name
      # FINANCE_ALLOWED_TRANSACTION_CATEGORIES / FINANCE_ALLOWED_FUNDS_CATEGORIES (null: the app's defaults)
      allowed_transaction_categories = optional(string)
      allowed_funds_categories       = optional(string)
      # Service account emails of the services that check codes (storage-gateway's): run.invoker on
      # cufs-api and its JOB_ALLOWED_EMAILS.
      callers = optional(list(string), [])
      # CUFS_TIMEOUT_MS, CUFS_CACHE_TTL, CUFS_NEGATIVE_CACHE_TTL, ...
      env = optional(map(string), {})
    })
    storage-gateway = object({
      auth_mode         = optional(string, "oidc") # AUTH_MODE: oidc (our sign-in; secret OIDC_CLIENT_SECRET) or iap (behind IAP)
      base_url          = optional(string)         # AUTH_BASE_URL: the public URL people use (null: the Cloud Run URL)
      oidc_issuer_url   = optional(string)         # OIDC_ISSUER_URL (oidc)
      oidc_client_id    = optional(string)         # OIDC_CLIENT_ID (oidc)
      oidc_groups_claim = optional(string)         # OIDC_GROUPS_CLAIM (null: groups)
      iap_audience      = optional(string)         # IAP_AUDIENCE (iap): /projects/<number>/global/backendServices/<id>
      admin_emails      = optional(list(string), [])
      admin_groups      = optional(list(string), [])
      # STORAGE_BACKEND_URL: the storage backend's API root (secret STORAGE_BACKEND_TOKEN; SESSION_SECRET too)
      storage_backend_url = string
      # RENEWAL_REMINDER_DAYS, RENEWAL_GRACE_DAYS, QUOTE_VALID_DAYS, PO_MAX_BYTES, ...
      env = optional(map(string), {})
    })
    ella-ops = optional(object({
      # Web sign-in for the pages, as storage-gateway's (secrets SESSION_SECRET and, with oidc, OIDC_CLIENT_SECRET).
      auth_mode         = optional(string, "oidc") # AUTH_MODE: oidc (our sign-in) or iap (behind IAP)
      base_url          = optional(string)         # AUTH_BASE_URL: the public URL people use (null: the Cloud Run URL)
      oidc_issuer_url   = optional(string)         # OIDC_ISSUER_URL (oidc)
      oidc_client_id    = optional(string)         # OIDC_CLIENT_ID (oidc)
      oidc_groups_claim = optional(string)         # OIDC_GROUPS_CLAIM (null: groups)
      iap_audience      = optional(string)         # IAP_AUDIENCE (iap)
      # VIEWER_EMAILS: people who see processes, broadcasts, UI exceptions and health, and change nothing.
      viewer_emails = optional(list(string), [])
      # VIEWER_GROUPS / OPERATOR_GROUPS: the same roles by group (the ID token's groups claim).
      viewer_groups   = optional(list(string), [])
      operator_groups = optional(list(string), [])
      # OPERATOR_EMAILS for ella-ops only: the people on ELLA duty (null: the platform's operator_emails).
      operator_emails = optional(list(string))
      # HEALTH_WINDOW_MINUTES (null: 15). The instances are the secret ELLA_INSTANCES (see its README):
      # the service needs network egress to each ELLA VM's supervisord and database (a VPC connector).
      health_window_minutes = optional(number)
      # BACKUP_KEEP_DAYS (null: 30). Backups go where each instance's backupUrl says (gs://...): give
      # the app's service account roles/storage.objectUser on those buckets.
      backup_keep_days = optional(number)
      # ONCALL_EMAILS: where the monitor job's alerts go.
      oncall_emails = optional(list(string), [])
      # RELEASE_NOTIFY_EMAILS: ELLA's users, emailed when a release is done (step 9 of the runbook).
      release_notify_emails = optional(list(string), [])
      # ALERT_REPEAT_HOURS, HEALTH_MAX_5XX_RATE, HEALTH_MAX_P95_MS, BACKUP_MAX_AGE_HOURS, ... go in env.
      # SUPERVISOR_TIMEOUT_MS, ELLA_TIMEOUT_MS, ...
      env = optional(map(string), {})
    }), {})
    lookup-gitlab-sync = object({
      gitlab_url               = string                    # GITLAB_URL: the GitLab instance it manages
      gitlab_identity_provider = optional(string)          # GITLAB_IDENTITY_PROVIDER (null: the app's default)
      lookup_url               = string                    # LOOKUP_URL: the Lookup API root, version included
      lookup_auth              = optional(string, "basic") # basic (LOOKUP_USERNAME + secret LOOKUP_PASSWORD) or oauth2
      lookup_username          = optional(string)          # LOOKUP_USERNAME (basic)
      lookup_token_url         = optional(string)          # LOOKUP_TOKEN_URL (oauth2)
      lookup_client_id         = optional(string)          # LOOKUP_CLIENT_ID (oauth2; secret LOOKUP_CLIENT_SECRET)
      ops_email                = string                    # OPS_EMAIL: where refused runs and changes are reported
      # LOOKUP_BATCH_SIZE, SYNC_MAX_CHANGE_RATIO, SYNC_MAX_CHANGES, SYNC_EXTERNAL_INACTIVE_MONTHS, ...
      env = optional(map(string), {})
    })
    essm-sync = object({
      termtime_url                = string # TERMTIME_URL: TermTime's API root (https://<host>/v1/api)
      termtime_campus             = string # TERMTIME_CAMPUS: the campus (code or name) Booker's buildings go under
      termtime_default_department = string # TERMTIME_DEFAULT_DEPARTMENT: department code of new rooms
      termtime_capacity_type      = string # TERMTIME_CAPACITY_TYPE: activity type code capacities go under
      booker_url                  = string # BOOKER_URL: Booker's root
      booker_username             = string # BOOKER_USERNAME (secret BOOKER_PASSWORD)
      events_window_start         = string # EVENTS_WINDOW_START: YYYY-MM-DD or a TermTime timeframe code
      events_window_end           = string # EVENTS_WINDOW_END: YYYY-MM-DD or a TermTime timeframe code
      events_booking_types        = string # EVENTS_BOOKING_TYPES: Lecture=LEC,...,*=<default>
      ops_email                   = string # OPS_EMAIL: refused and failed runs, new conflicts
      # EVENTS_MERGE_SHARED_ROOMS, EVENTS_MAX_CANCEL_RATIO, EVENTS_MAX_CHANGE_RATIO, ROOMS_MAX_DELETE, ...
      env = optional(map(string), {})
    })
  })

  validation {
    condition     = contains(["basic", "oauth2"], var.app_settings["cufs-api"].cufs_auth)
    error_message = "app_settings[\"cufs-api\"].cufs_auth must be basic or oauth2."
  }

  validation {
    condition     = contains(["oidc", "iap"], var.app_settings["storage-gateway"].auth_mode)
    error_message = "app_settings[\"storage-gateway\"].auth_mode must be oidc or iap."
  }

  validation {
    condition     = contains(["oidc", "iap"], var.app_settings["ella-ops"].auth_mode)
    error_message = "app_settings[\"ella-ops\"].auth_mode must be oidc or iap."
  }

  validation {
    condition     = contains(["basic", "oauth2"], var.app_settings["lookup-gitlab-sync"].lookup_auth)
    error_message = "app_settings[\"lookup-gitlab-sync\"].lookup_auth must be basic or oauth2."
  }
}
