# The whole platform of one environment: everything the development, staging and production roots
# share. Each root calls this module once, with what differs between environments (project, sizes,
# JOBS_FORCE_DRY_RUN, deletion protection) and the settings its operators fill in.
#
# Apps: every app of apps/manifest.json (the one list of apps), each a Cloud Run service with its own
# service account, secrets and the Scheduler jobs the manifest lists (modules/app), sharing one Cloud
# SQL instance reached over private IP, plus the migration Cloud Run Job that CI executes before each
# deploy. Adding an app: docs/adding-an-app.md.

locals {
  manifest = jsondecode(file("${path.module}/../../../apps/manifest.json"))
  apps     = { for app in local.manifest.apps : app.name => app }
  image = {
    for name in keys(local.apps) : name => "${var.image_repository}/${name}:${lookup(var.image_tag_overrides, name, var.image_tag)}"
  }

  # How every app (and the migration job) reaches the database: Direct VPC egress to the private IP,
  # and the Cloud SQL socket under /cloudsql/<connection name>. DATABASE_URL (a secret) picks one.
  cloud_sql_instances = [module.database.connection_name]
  vpc_access = {
    network    = module.network.network_name
    subnetwork = module.network.run_subnetwork_name
  }

  # Settings every app reads. PORT is Cloud Run's; DATABASE_URL and SMTP_URL are secrets.
  # Instances x DATABASE_POOL_SIZE over all apps must stay below the instance's max_connections.
  common_env = {
    NODE_ENV                    = "production"
    LOG_LEVEL                   = var.log_level
    GOOGLE_CLOUD_PROJECT        = var.project_id
    DATABASE_POOL_SIZE          = "5"
    DATABASE_CONNECT_TIMEOUT_MS = "5000"
    # true: log in as the app's service account (its Cloud SQL IAM user, below) with an access token;
    # DATABASE_URL then names that user and no password (docs/operations.md, "Database roles").
    DATABASE_IAM_AUTH  = var.database_iam_auth ? "true" : "false"
    JOBS_FORCE_DRY_RUN = var.jobs_force_dry_run ? "true" : "false" # true: jobs plan but never write
    OPERATOR_EMAILS    = join(",", var.operator_emails)
    MAIL_FROM          = var.mail_from
  }
  common_secrets = ["DATABASE_URL", "SMTP_URL"]

  # Each app's own Postgres schema (prisma/schema); an app not listed gets `platform` only, the
  # least it can have (cufs-api keeps no tables). A new app with a schema adds one line here.
  app_schemas = {
    "covid-pool"         = ["covid_pool"]
    "lookup-gitlab-sync" = ["gitlab_sync"]
    "essm-sync"          = ["essm"]
    "storage-gateway"    = ["storage"]
    "ella-ops"           = ["ella_ops"]
  }
  app_database_grants = {
    for name in keys(local.apps) : "${name}-run@${var.project_id}.iam" => concat(lookup(local.app_schemas, name, []), ["platform"])
  }

  operator_invokers = merge(
    { for email in var.operator_emails : "operator-${email}" => "user:${email}" },
    { for group in var.operator_groups : "operator-group-${group}" => "group:${group}" },
  )
  # The uptime checks' OIDC token (modules/monitoring) is this agent's: google_cloud_run_v2_service_iam_member.uptime_check.
  monitoring_agent = "service-${data.google_project.this.number}@gcp-sa-monitoring-notification.iam.gserviceaccount.com"

  covid_pool         = var.app_settings["covid-pool"]
  cufs_api           = var.app_settings["cufs-api"]
  lookup_gitlab_sync = var.app_settings["lookup-gitlab-sync"]
  essm_sync          = var.app_settings["essm-sync"]
  storage_gateway    = var.app_settings["storage-gateway"]
  ella_ops           = var.app_settings["ella-ops"]

  # Cloud Run's service URLs and runtime accounts are deterministic (modules/cloud-run-service), so an
  # app's settings can name another app, or itself, without a cycle through the module's outputs.
  service_url     = { for name in keys(local.apps) : name => "https://${name}-${data.google_project.this.number}.${var.region}.run.app" }
  service_account = { for name in keys(local.apps) : name => "${name}-run@${var.project_id}.iam.gserviceaccount.com" }
  # storage-gateway's tasks carry its own account's OIDC token: it enqueues them and they call it back.
  storage_tasks_account = local.service_account["storage-gateway"]
  # Named here, not read from the modules below: those grant to its account, so they come after it.
  storage_documents_bucket = "${var.project_id}-storage-documents"
  storage_tasks_queue      = "storage-gateway"
  # ella-ops's backups run as its own tasks, with its own account's OIDC token, as storage-gateway's.
  ella_tasks_account = local.service_account["ella-ops"]
  ella_tasks_queue   = "ella-ops"
  # Apps people reach from a browser with the app's own sign-in (behind IAP, the load balancer and
  # IAP are in front instead: not set up here).
  public_apps = concat(
    local.storage_gateway.auth_mode == "oidc" ? ["storage-gateway"] : [],
    local.ella_ops.auth_mode == "oidc" ? ["ella-ops"] : [],
  )

  # Each app's own plain settings, from its entry of var.app_settings (typed in variables.tf); null
  # ones are left out (the app's default). One app setting = one line here, plus one attribute in
  # variables.tf when operators fill it in. Settings no one needs to type go in app_settings.<app>.env.
  app_env = {
    "covid-pool" = {
      # Share each College's sheet with this app's service account (output app_service_accounts).
      SHEETS_SOURCE = "google"
      # The export role: these accounts may read GET /export and nothing else (not jobs, not /runs).
      EXPORT_ALLOWED_EMAILS = join(",", local.covid_pool.export_callers)
    }
    "cufs-api" = {
      CUFS_URL                               = local.cufs_api.cufs_url
      CUFS_AUTH                              = local.cufs_api.cufs_auth
      CUFS_USERNAME                          = local.cufs_api.cufs_username
      CUFS_CLIENT_ID                         = local.cufs_api.cufs_client_id
      FINANCE_PO_SUPPLIER                    = local.cufs_api.po_supplier
      FINANCE_ALLOWED_TRANSACTION_CATEGORIES = local.cufs_api.allowed_transaction_categories
      FINANCE_ALLOWED_FUNDS_CATEGORIES       = local.cufs_api.allowed_funds_categories
    }
    "storage-gateway" = {
      AUTH_MODE             = local.storage_gateway.auth_mode
      AUTH_BASE_URL         = coalesce(local.storage_gateway.base_url, local.service_url["storage-gateway"])
      OIDC_ISSUER_URL       = local.storage_gateway.oidc_issuer_url
      OIDC_CLIENT_ID        = local.storage_gateway.oidc_client_id
      OIDC_GROUPS_CLAIM     = local.storage_gateway.oidc_groups_claim
      IAP_AUDIENCE          = local.storage_gateway.iap_audience
      ADMIN_EMAILS          = join(",", local.storage_gateway.admin_emails)
      ADMIN_GROUPS          = join(",", local.storage_gateway.admin_groups)
      CUFS_API_URL          = local.service_url["cufs-api"]
      STORAGE_BACKEND_URL   = local.storage_gateway.storage_backend_url
      DOCUMENTS_BUCKET      = local.storage_documents_bucket
      TASKS_MODE            = "cloud-tasks"
      TASKS_LOCATION        = var.region
      TASKS_QUEUE           = local.storage_tasks_queue
      TASKS_SERVICE_ACCOUNT = local.storage_tasks_account
      TASKS_TARGET_URL      = local.service_url["storage-gateway"]
    }
    "ella-ops" = {
      AUTH_MODE         = local.ella_ops.auth_mode
      AUTH_BASE_URL     = coalesce(local.ella_ops.base_url, local.service_url["ella-ops"])
      OIDC_ISSUER_URL   = local.ella_ops.oidc_issuer_url
      OIDC_CLIENT_ID    = local.ella_ops.oidc_client_id
      OIDC_GROUPS_CLAIM = local.ella_ops.oidc_groups_claim
      IAP_AUDIENCE      = local.ella_ops.iap_audience
      # Read-only people and accounts (the viewer role); operators are OPERATOR_EMAILS (the platform's
      # unless ella-ops names its own) and OPERATOR_GROUPS.
      VIEWER_EMAILS         = join(",", local.ella_ops.viewer_emails)
      VIEWER_GROUPS         = join(",", local.ella_ops.viewer_groups)
      OPERATOR_GROUPS       = join(",", local.ella_ops.operator_groups)
      OPERATOR_EMAILS       = local.ella_ops.operator_emails == null ? null : join(",", local.ella_ops.operator_emails)
      HEALTH_WINDOW_MINUTES = local.ella_ops.health_window_minutes == null ? null : tostring(local.ella_ops.health_window_minutes)
      BACKUP_KEEP_DAYS      = local.ella_ops.backup_keep_days == null ? null : tostring(local.ella_ops.backup_keep_days)
      ONCALL_EMAILS         = join(",", local.ella_ops.oncall_emails)
      RELEASE_NOTIFY_EMAILS = join(",", local.ella_ops.release_notify_emails)
      TASKS_MODE            = "cloud-tasks"
      TASKS_LOCATION        = var.region
      TASKS_QUEUE           = local.ella_tasks_queue
      TASKS_SERVICE_ACCOUNT = local.ella_tasks_account
      TASKS_TARGET_URL      = local.service_url["ella-ops"]
    }
    "lookup-gitlab-sync" = {
      GITLAB_URL               = local.lookup_gitlab_sync.gitlab_url
      GITLAB_IDENTITY_PROVIDER = local.lookup_gitlab_sync.gitlab_identity_provider
      LOOKUP_URL               = local.lookup_gitlab_sync.lookup_url
      LOOKUP_AUTH              = local.lookup_gitlab_sync.lookup_auth
      LOOKUP_USERNAME          = local.lookup_gitlab_sync.lookup_username
      LOOKUP_TOKEN_URL         = local.lookup_gitlab_sync.lookup_token_url
      LOOKUP_CLIENT_ID         = local.lookup_gitlab_sync.lookup_client_id
      OPS_EMAIL                = local.lookup_gitlab_sync.ops_email
    }
    "essm-sync" = {
      TERMTIME_URL                = local.essm_sync.termtime_url
      TERMTIME_CAMPUS             = local.essm_sync.termtime_campus
      TERMTIME_DEFAULT_DEPARTMENT = local.essm_sync.termtime_default_department
      TERMTIME_CAPACITY_TYPE      = local.essm_sync.termtime_capacity_type
      BOOKER_URL                  = local.essm_sync.booker_url
      BOOKER_USERNAME             = local.essm_sync.booker_username
      EVENTS_WINDOW_START         = local.essm_sync.events_window_start
      EVENTS_WINDOW_END           = local.essm_sync.events_window_end
      EVENTS_BOOKING_TYPES        = local.essm_sync.events_booking_types
      OPS_EMAIL                   = local.essm_sync.ops_email
      # Memory sized for a 512Mi instance (apps/essm-sync/README.md, "Performance"): Node's default
      # sizes the heap by the host's memory, not the container's, and let a term's sync (48,000
      # events) reach 720 MB resident. A smaller heap and two malloc arenas keep it near 300 MB.
      # `npm run bench -- essm-sync` starts the app with these very values.
      NODE_OPTIONS     = "--max-old-space-size=144 --max-semi-space-size=2"
      MALLOC_ARENA_MAX = "2"
    }
  }

  # Each app's settings read from Secret Manager, besides DATABASE_URL and SMTP_URL.
  app_secrets = {
    "cufs-api" = [local.cufs_api.cufs_auth == "basic" ? "CUFS_PASSWORD" : "CUFS_CLIENT_SECRET"]
    "storage-gateway" = concat(
      ["SESSION_SECRET", "STORAGE_BACKEND_TOKEN"],
      local.storage_gateway.auth_mode == "oidc" ? ["OIDC_CLIENT_SECRET"] : [],
    )
    # The instance list holds supervisord passwords and database URLs: a secret, as a whole.
    "ella-ops" = concat(
      ["ELLA_INSTANCES", "SESSION_SECRET"],
      local.ella_ops.auth_mode == "oidc" ? ["OIDC_CLIENT_SECRET"] : [],
    )
    "lookup-gitlab-sync" = [
      "GITLAB_TOKEN",
      local.lookup_gitlab_sync.lookup_auth == "basic" ? "LOOKUP_PASSWORD" : "LOOKUP_CLIENT_SECRET",
    ]
    "essm-sync" = ["TERMTIME_API_KEY", "BOOKER_PASSWORD"]
  }

  # Members allowed through the invoker check besides the operators: covid-pool's downstream systems
  # that pull GET /export (their role in the app is EXPORT_ALLOWED_EMAILS above, not a job caller's),
  # and the services that check finance codes with cufs-api (storage-gateway's account).
  app_invokers = {
    "covid-pool" = { for index, email in local.covid_pool.export_callers : "export-${index}" => "serviceAccount:${email}" }
    "cufs-api" = merge(
      { for index, email in local.cufs_api.callers : "caller-${index}" => "serviceAccount:${email}" },
      { storage-gateway = "serviceAccount:${local.service_account["storage-gateway"]}" },
    )
    # Its own tasks call it back with its own account's token.
    "storage-gateway" = { tasks = "serviceAccount:${local.storage_tasks_account}" }
    "ella-ops"        = { tasks = "serviceAccount:${local.ella_tasks_account}" }
  }
  # CI's deployer, given actAs on each account as the modules create it (least privilege, below).
  deployer_member = var.deployer_service_account == null ? null : "serviceAccount:${var.deployer_service_account}"

  # Callers of job endpoints besides each app's scheduler account: cufs-api's callers hold its `job`
  # role (JOB_ALLOWED_EMAILS), which is what POST /finance-codes/check and GET /purchase-orders need.
  app_job_callers = {
    "cufs-api"        = distinct(concat(local.cufs_api.callers, [local.service_account["storage-gateway"]]))
    "storage-gateway" = [local.storage_tasks_account]
    "ella-ops"        = [local.ella_tasks_account]
  }
}

data "google_project" "this" {
  project_id = var.project_id
}

resource "google_project_service" "enabled" {
  for_each = toset([
    "cloudresourcemanager.googleapis.com", # data.google_project, project IAM
    "cloudscheduler.googleapis.com",
    "cloudtasks.googleapis.com",
    "iamcredentials.googleapis.com", # ID tokens for Scheduler, Cloud Tasks and CI's impersonation
    "logging.googleapis.com",        # log-based metrics (modules/monitoring)
    "monitoring.googleapis.com",     # alerts, uptime checks, the dashboard
    "storage.googleapis.com",
    "compute.googleapis.com",
    "iam.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "servicenetworking.googleapis.com",
    "sheets.googleapis.com",
    "sqladmin.googleapis.com",
  ])

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

module "network" {
  source = "../network"

  project_id = var.project_id
  region     = var.region

  depends_on = [google_project_service.enabled]
}

module "database" {
  source = "../cloud-sql"

  project_id             = var.project_id
  region                 = var.region
  name                   = "platform-${var.environment}"
  tier                   = var.database.tier
  availability_type      = var.database.availability_type
  retained_backups       = var.database.retained_backups
  point_in_time_recovery = var.database.point_in_time_recovery
  private_network        = module.network.private_services_network
  # IAM database authentication: each app's service account logs in as itself (below).
  database_flags = { "cloudsql.iam_authentication" = "on" }
  # Always on, in every environment (var.deletion_protection is for the Cloud Run resources only).
  deletion_protection = true

  depends_on = [google_project_service.enabled]
}

# --- migrations: a Cloud Run Job with the schema owner's credentials -------------------------------

module "db_migrate_secret" {
  source = "../secret"

  project_id        = var.project_id
  secret_id         = "db-migrate-database-url"
  replica_locations = [var.region]

  depends_on = [google_project_service.enabled]
}

module "db_migrate" {
  source = "../migrate-job"

  project_id          = var.project_id
  region              = var.region
  image               = local.image[local.manifest.apps[0].name] # any app image carries the migrations
  database_url_secret = module.db_migrate_secret.id
  # After migrating, the job gives each app's IAM database user its own schema and platform.
  env                 = { DATABASE_APP_GRANTS = jsonencode(local.app_database_grants) }
  cloud_sql_instances = local.cloud_sql_instances
  vpc_access          = local.vpc_access
  deletion_protection = var.deletion_protection
  deployer_member     = local.deployer_member

  depends_on = [google_project_service.enabled]
}

# --- the apps of apps/manifest.json --------------------------------------------------------------

module "apps" {
  source   = "../app"
  for_each = local.apps

  project_id = var.project_id
  region     = var.region
  name       = each.key
  image      = local.image[each.key]

  env = merge(
    local.common_env,
    try(var.app_settings[each.key].env, {}),
    { for name, value in try(local.app_env[each.key], {}) : name => value if value != null },
  )
  secret_env_names         = concat(local.common_secrets, try(local.app_secrets[each.key], []))
  secret_replica_locations = [var.region]

  # The manifest's jobs: POST /jobs/<name> on its schedule.
  jobs = {
    for job in each.value.jobs : job.name => {
      path             = "/jobs/${job.name}"
      schedule         = job.schedule
      description      = try(job.description, "")
      retry_count      = try(job.retryCount, 0)
      attempt_deadline = "${try(job.attemptDeadlineSeconds, 600)}s"
    }
  }

  invokers          = merge(local.operator_invokers, try(local.app_invokers[each.key], {}))
  public            = contains(local.public_apps, each.key)
  extra_job_callers = try(local.app_job_callers[each.key], [])

  cloud_sql_instances     = local.cloud_sql_instances
  vpc_access              = local.vpc_access
  max_instances           = lookup(var.max_instances, each.key, 2)
  request_timeout_seconds = 1800
  deletion_protection     = var.deletion_protection
  deployer_member         = local.deployer_member

  # Not on module.monitoring: a module-level depends_on defers every data source inside (the
  # project number in each URL) to apply time, and each plan would show the URLs as unknown. Only
  # the uptime checks' invoker binding below waits for monitoring.
  depends_on = [google_project_service.enabled]
}

# run.invoker for the uptime checks' OIDC token (modules/monitoring), the Monitoring service
# agent's, on every service. After module.monitoring: creating its uptime checks and notification
# channels makes Google create that agent, and a binding to an account that does not exist yet is
# refused. This is the one thing here that waits for monitoring.
resource "google_cloud_run_v2_service_iam_member" "uptime_check" {
  for_each = local.apps

  project  = var.project_id
  location = var.region
  name     = module.apps[each.key].service_name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${local.monitoring_agent}"

  depends_on = [module.monitoring]
}

# It was one of each service's invokers (key uptime-check) until the depends_on above moved here.

moved {
  from = module.apps["covid-pool"].module.service.google_cloud_run_v2_service_iam_member.invoker["uptime-check"]
  to   = google_cloud_run_v2_service_iam_member.uptime_check["covid-pool"]
}

moved {
  from = module.apps["storage-gateway"].module.service.google_cloud_run_v2_service_iam_member.invoker["uptime-check"]
  to   = google_cloud_run_v2_service_iam_member.uptime_check["storage-gateway"]
}

moved {
  from = module.apps["cufs-api"].module.service.google_cloud_run_v2_service_iam_member.invoker["uptime-check"]
  to   = google_cloud_run_v2_service_iam_member.uptime_check["cufs-api"]
}

moved {
  from = module.apps["lookup-gitlab-sync"].module.service.google_cloud_run_v2_service_iam_member.invoker["uptime-check"]
  to   = google_cloud_run_v2_service_iam_member.uptime_check["lookup-gitlab-sync"]
}

moved {
  from = module.apps["essm-sync"].module.service.google_cloud_run_v2_service_iam_member.invoker["uptime-check"]
  to   = google_cloud_run_v2_service_iam_member.uptime_check["essm-sync"]
}

moved {
  from = module.apps["ella-ops"].module.service.google_cloud_run_v2_service_iam_member.invoker["uptime-check"]
  to   = google_cloud_run_v2_service_iam_member.uptime_check["ella-ops"]
}


# The apps had a module block each before they were read from the manifest.
moved {
  from = module.covid_pool
  to   = module.apps["covid-pool"]
}

moved {
  from = module.lookup_gitlab_sync
  to   = module.apps["lookup-gitlab-sync"]
}

# --- storage-gateway: purchase order documents and its task queue ---------------------------------

# Purchase order PDFs (purchase-orders/<order>/<sha256>.pdf): private, versioned, readable and
# writable by storage-gateway's account only.
module "storage_documents" {
  source = "../bucket"

  project_id = var.project_id
  name       = local.storage_documents_bucket
  location   = var.region
  versioning = true
  iam_members = {
    storage-gateway = { role = "roles/storage.objectUser", member = "serviceAccount:${local.service_account["storage-gateway"]}" }
  }

  depends_on = [google_project_service.enabled, module.apps]
}

# check-payment, provision, apply-access, sync-members: POST /tasks/<name> on storage-gateway, with
# its own account's OIDC token (enqueuer and actAs on that account only).
module "storage_tasks" {
  source = "../tasks-queue"

  project_id              = var.project_id
  region                  = var.region
  name                    = local.storage_tasks_queue
  enqueuers               = { storage-gateway = "serviceAccount:${local.storage_tasks_account}" }
  task_service_account_id = "projects/${var.project_id}/serviceAccounts/${local.storage_tasks_account}"

  depends_on = [google_project_service.enabled, module.apps]
}

# --- ella-ops: its task queue --------------------------------------------------------------------

# backup: POST /tasks/backup on ella-ops (a pg_dump of an ELLA database, up to 30 minutes a delivery),
# with its own account's OIDC token. A repeated delivery finds the backup taken and does nothing, so
# few attempts are enough; one dump at a time per instance is the app's own rule.
module "ella_tasks" {
  source = "../tasks-queue"

  project_id                = var.project_id
  region                    = var.region
  name                      = local.ella_tasks_queue
  max_concurrent_dispatches = 2
  max_attempts              = 3
  enqueuers                 = { ella-ops = "serviceAccount:${local.ella_tasks_account}" }
  task_service_account_id   = "projects/${var.project_id}/serviceAccounts/${local.ella_tasks_account}"

  depends_on = [google_project_service.enabled, module.apps]
}

# --- least privilege: database logins by IAM, the deployer's actAs, read-only people -------------

# Each app's runtime account is a Cloud SQL IAM user (cloudsql.iam_authentication is on): it logs in
# as "<app>-run@<project>.iam" with a short-lived OAuth token instead of a password. The user starts
# with no privileges: the migrate job, as the schema owner, grants it its own schema and `platform`
# after each migration (DATABASE_APP_GRANTS above; libs/db grants.ts). The migrate job keeps the
# schema owner's password login.
resource "google_sql_user" "app" {
  for_each = local.apps

  project  = var.project_id
  instance = module.database.instance_name
  name     = trimsuffix(module.apps[each.key].service_account_email, ".gserviceaccount.com")
  type     = "CLOUD_IAM_SERVICE_ACCOUNT"
  # PostgreSQL refuses to drop a role that holds grants: removing an app leaves its user to a person.
  deletion_policy = "ABANDON"
}

resource "google_project_iam_member" "app_instance_user" {
  for_each = local.apps

  project = var.project_id
  role    = "roles/cloudsql.instanceUser"
  member  = "serviceAccount:${module.apps[each.key].service_account_email}"
}

# The CI deployer may act as the accounts this configuration runs things as, and as no other:
# roles/iam.serviceAccountUser on each of them, not on the project (terraform/README.md, "CI accounts").
# Each binding is made inside the module that creates the account, right after it, and what runs as
# the account (service, Scheduler jobs, migrate job) waits for it: see local.deployer_member.
#
# The bindings used to be here, keyed run-<app>, sched-<app> and db-migrate. Moved, not re-created:
# removing the old binding after adding the new one (same role and member) would take actAs away.
# An app added later has no old binding and needs no line here.

moved {
  from = google_service_account_iam_member.deployer_acts_as["run-covid-pool"]
  to   = module.apps["covid-pool"].module.service.google_service_account_iam_member.deployer_acts_as[0]
}

moved {
  from = google_service_account_iam_member.deployer_acts_as["sched-covid-pool"]
  to   = module.apps["covid-pool"].google_service_account_iam_member.deployer_acts_as_scheduler[0]
}

moved {
  from = google_service_account_iam_member.deployer_acts_as["run-storage-gateway"]
  to   = module.apps["storage-gateway"].module.service.google_service_account_iam_member.deployer_acts_as[0]
}

moved {
  from = google_service_account_iam_member.deployer_acts_as["sched-storage-gateway"]
  to   = module.apps["storage-gateway"].google_service_account_iam_member.deployer_acts_as_scheduler[0]
}

moved {
  from = google_service_account_iam_member.deployer_acts_as["run-cufs-api"]
  to   = module.apps["cufs-api"].module.service.google_service_account_iam_member.deployer_acts_as[0]
}

moved {
  from = google_service_account_iam_member.deployer_acts_as["sched-cufs-api"]
  to   = module.apps["cufs-api"].google_service_account_iam_member.deployer_acts_as_scheduler[0]
}

moved {
  from = google_service_account_iam_member.deployer_acts_as["run-lookup-gitlab-sync"]
  to   = module.apps["lookup-gitlab-sync"].module.service.google_service_account_iam_member.deployer_acts_as[0]
}

moved {
  from = google_service_account_iam_member.deployer_acts_as["sched-lookup-gitlab-sync"]
  to   = module.apps["lookup-gitlab-sync"].google_service_account_iam_member.deployer_acts_as_scheduler[0]
}

moved {
  from = google_service_account_iam_member.deployer_acts_as["run-essm-sync"]
  to   = module.apps["essm-sync"].module.service.google_service_account_iam_member.deployer_acts_as[0]
}

moved {
  from = google_service_account_iam_member.deployer_acts_as["sched-essm-sync"]
  to   = module.apps["essm-sync"].google_service_account_iam_member.deployer_acts_as_scheduler[0]
}

moved {
  from = google_service_account_iam_member.deployer_acts_as["run-ella-ops"]
  to   = module.apps["ella-ops"].module.service.google_service_account_iam_member.deployer_acts_as[0]
}

moved {
  from = google_service_account_iam_member.deployer_acts_as["sched-ella-ops"]
  to   = module.apps["ella-ops"].google_service_account_iam_member.deployer_acts_as_scheduler[0]
}

moved {
  from = google_service_account_iam_member.deployer_acts_as["db-migrate"]
  to   = module.db_migrate.google_service_account_iam_member.deployer_acts_as[0]
}

# People (user:) and Google Groups (group:) who may read dashboards, alerts, logs and the services'
# configuration, and change nothing.
resource "google_project_iam_member" "viewer" {
  for_each = {
    for pair in setproduct(var.viewer_members, ["roles/monitoring.viewer", "roles/logging.viewer", "roles/run.viewer", "roles/cloudscheduler.viewer"]) :
    "${pair[0]} ${pair[1]}" => { member = pair[0], role = pair[1] }
  }

  project = var.project_id
  role    = each.value.role
  member  = each.value.member
}

# --- alerts and the dashboard ----------------------------------------------------------------------

# Every scheduled job of apps/manifest.json with its period: one absence alert each.
module "job_schedules" {
  source = "../job-schedules"
}

module "monitoring" {
  source = "../monitoring"

  project_id        = var.project_id
  region            = var.region
  environment       = var.environment
  alert_emails      = length(var.alert_emails) > 0 ? var.alert_emails : var.operator_emails
  services          = local.service_url
  jobs              = module.job_schedules.jobs
  task_queues       = [local.storage_tasks_queue, local.ella_tasks_queue]
  database_instance = "platform-${var.environment}"
  thresholds        = var.alert_thresholds

  depends_on = [google_project_service.enabled]
}
