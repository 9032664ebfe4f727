# The whole platform of one environment: everything the development, staging and production roots
# share. Each root calls this module once, with what differs between environments (project, sizes,
# JOBS_FORCE_DRY_RUN, deletion protection) and the settings its operators fill in.
#
# Apps: covid-pool and lookup-gitlab-sync, each a Cloud Run service with its own service account,
# secrets and Scheduler jobs (modules/app), sharing one Cloud SQL instance reached over private IP,
# plus the migration Cloud Run Job that CI executes before each deploy.
#
# Adding an app: build its image in .gitlab-ci.yml, add it to local.apps, copy one `module "<app>"`
# block below with its settings, secrets and jobs, and add its outputs here and in each root.

locals {
  apps = ["covid-pool", "lookup-gitlab-sync"]
  image = {
    for app in local.apps : app => "${var.image_repository}/${app}:${lookup(var.image_tag_overrides, app, var.image_tag)}"
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
    JOBS_FORCE_DRY_RUN          = var.jobs_force_dry_run ? "true" : "false" # true: jobs plan but never write
    OPERATOR_EMAILS             = join(",", var.operator_emails)
    MAIL_FROM                   = var.mail_from
  }
  common_secrets = ["DATABASE_URL", "SMTP_URL"]

  operator_invokers = { for email in var.operator_emails : "operator-${email}" => "user:${email}" }
}

resource "google_project_service" "enabled" {
  for_each = toset([
    "cloudscheduler.googleapis.com",
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
  image               = local.image["covid-pool"]
  database_url_secret = module.db_migrate_secret.id
  cloud_sql_instances = local.cloud_sql_instances
  vpc_access          = local.vpc_access
  deletion_protection = var.deletion_protection

  depends_on = [google_project_service.enabled]
}

# --- covid-pool ------------------------------------------------------------------------------------

module "covid_pool" {
  source = "../app"

  project_id = var.project_id
  region     = var.region
  name       = "covid-pool"
  image      = local.image["covid-pool"]

  env = merge(local.common_env, var.covid_pool_extra_env, {
    # Share each College's sheet with this app's service account (output covid_pool_service_account).
    SHEETS_SOURCE = "google"
    # The export role: these accounts may read GET /export and nothing else (not jobs, not /runs).
    EXPORT_ALLOWED_EMAILS = join(",", var.covid_pool_export_callers)
  })
  secret_env_names         = local.common_secrets
  secret_replica_locations = [var.region]

  jobs = {
    import-all = {
      path             = "/jobs/import-all"
      schedule         = "0 6 * * *"
      description      = "Import every College's sheet"
      retry_count      = 1
      attempt_deadline = "1800s"
    }
    dispatch-outbox = {
      path             = "/jobs/dispatch-outbox"
      schedule         = "*/5 * * * *"
      description      = "Send queued email"
      attempt_deadline = "300s"
    }
  }

  # Operators, and the downstream systems that pull GET /export.
  invokers = merge(
    local.operator_invokers,
    { for index, email in var.covid_pool_export_callers : "export-${index}" => "serviceAccount:${email}" },
  )

  cloud_sql_instances     = local.cloud_sql_instances
  vpc_access              = local.vpc_access
  max_instances           = var.max_instances.covid_pool
  request_timeout_seconds = 1800
  deletion_protection     = var.deletion_protection

  depends_on = [google_project_service.enabled]
}

# --- lookup-gitlab-sync ----------------------------------------------------------------------------

module "lookup_gitlab_sync" {
  source = "../app"

  project_id = var.project_id
  region     = var.region
  name       = "lookup-gitlab-sync"
  image      = local.image["lookup-gitlab-sync"]

  env = merge(local.common_env, var.lookup_gitlab_sync_extra_env, {
    for name, value in {
      GITLAB_URL               = var.gitlab_url
      GITLAB_IDENTITY_PROVIDER = var.gitlab_identity_provider
      LOOKUP_URL               = var.lookup_url
      LOOKUP_AUTH              = var.lookup_auth
      LOOKUP_USERNAME          = var.lookup_username
      LOOKUP_TOKEN_URL         = var.lookup_token_url
      LOOKUP_CLIENT_ID         = var.lookup_client_id
      OPS_EMAIL                = var.ops_email
    } : name => value if value != null
  })
  secret_env_names = concat(
    local.common_secrets,
    ["GITLAB_TOKEN", var.lookup_auth == "basic" ? "LOOKUP_PASSWORD" : "LOOKUP_CLIENT_SECRET"],
  )
  secret_replica_locations = [var.region]

  jobs = {
    sync = {
      path             = "/jobs/sync"
      schedule         = "10 * * * *" # hourly, off the top of the hour when other systems are busy
      description      = "Block cancelled and long-inactive GitLab users, unblock returning ones"
      attempt_deadline = "1800s"
    }
    dispatch-outbox = {
      path             = "/jobs/dispatch-outbox"
      schedule         = "*/5 * * * *"
      description      = "Send queued email"
      attempt_deadline = "300s"
    }
  }

  invokers = local.operator_invokers

  cloud_sql_instances     = local.cloud_sql_instances
  vpc_access              = local.vpc_access
  max_instances           = var.max_instances.lookup_gitlab_sync
  request_timeout_seconds = 1800
  deletion_protection     = var.deletion_protection

  depends_on = [google_project_service.enabled]
}
