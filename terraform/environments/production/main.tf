# Production: deployed from main by CI after a manual approval (migrate, then deploy).
#
# The wiring (APIs, network, Cloud SQL, the migrate job, one modules/app per app) lives in
# modules/platform and is the same in every environment; this root sets only what differs here
# (sizes, JOBS_FORCE_DRY_RUN, deletion protection) and passes its operators' settings through.
# Adding an app: docs/adding-an-app.md (the apps come from apps/manifest.json).

module "platform" {
  source = "../../modules/platform"

  project_id  = var.project_id
  region      = var.region
  environment = "production"

  jobs_force_dry_run = false
  database = {
    tier                   = "db-custom-2-7680"
    availability_type      = "REGIONAL"
    retained_backups       = 30
    point_in_time_recovery = true
  }
  max_instances = {
    "cufs-api"           = 3
    "covid-pool"         = 3
    "lookup-gitlab-sync" = 2
    "storage-gateway"    = 2
    "essm-sync"          = 1
    "ella-ops"           = 1
  }
  deletion_protection = true

  image_repository    = var.image_repository
  image_tag           = var.image_tag
  image_tag_overrides = var.image_tag_overrides
  log_level           = coalesce(var.log_level, "info")
  operator_emails     = var.operator_emails
  operator_groups     = var.operator_groups
  viewer_members      = var.viewer_members
  alert_emails        = var.alert_emails
  alert_thresholds    = var.alert_thresholds
  mail_from           = var.mail_from
  app_settings        = var.app_settings

  deployer_service_account = var.deployer_service_account
  database_iam_auth        = var.database_iam_auth
}
