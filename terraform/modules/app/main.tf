# One app of the platform: its Cloud Run service, its secrets, its Scheduler jobs and the service
# account they call it as. Adding an app to an environment is one `module "<app>"` block.
#
# Job authentication: JOB_AUTH_MODE=iam. Cloud Run itself verifies the Scheduler's ID token
# (Google's signature, audience = the service URL, run.invoker on this service) and then forwards it
# with the signature removed, so the app cannot verify it again (oidc mode would refuse every call
# behind Cloud Run's check); in iam mode it reads the verified email claim and checks it against
# JOB_ALLOWED_EMAILS. The service is never public, which is what makes that safe.
#
# An app people reach from a browser (var.public) is public instead, and verifies the ID tokens
# itself: JOB_AUTH_MODE=oidc with its own URL as the audience (Cloud Run passes the token on intact
# when it does not check it).

data "google_project" "this" {
  project_id = var.project_id
}

locals {
  labels = merge(var.labels, { app = var.name })

  secret_ids = { for env_name in var.secret_env_names : env_name => "${var.name}-${replace(lower(env_name), "_", "-")}" }

  has_jobs        = length(var.jobs) > 0
  scheduler_email = local.has_jobs ? google_service_account.scheduler[0].email : null

  # The service's deterministic URL (modules/cloud-run-service): the ID tokens' audience.
  url = "https://${var.name}-${data.google_project.this.number}.${var.region}.run.app"

  auth_env = merge(
    {
      JOB_AUTH_MODE      = var.public ? "oidc" : "iam"
      JOB_ALLOWED_EMAILS = join(",", concat(local.has_jobs ? [local.scheduler_email] : [], var.extra_job_callers))
    },
    var.public ? { OIDC_AUDIENCE = local.url } : {},
  )
}

module "secret" {
  source   = "../secret"
  for_each = local.secret_ids

  project_id        = var.project_id
  secret_id         = each.value
  replica_locations = var.secret_replica_locations
  labels            = local.labels
}

module "service" {
  source = "../cloud-run-service"

  project_id = var.project_id
  region     = var.region
  name       = var.name
  image      = var.image
  env        = merge(var.env, local.auth_env)
  secret_env = {
    for env_name, secret_id in local.secret_ids : env_name => {
      secret  = module.secret[env_name].id
      version = lookup(var.secret_versions, env_name, "latest")
    }
  }
  cloud_sql_instances     = var.cloud_sql_instances
  vpc_access              = var.vpc_access
  min_instances           = var.min_instances
  max_instances           = var.max_instances
  cpu                     = var.cpu
  memory                  = var.memory
  request_timeout_seconds = var.request_timeout_seconds
  ingress                 = var.ingress
  invokers                = var.invokers
  public                  = var.public
  labels                  = local.labels
  deletion_protection     = var.deletion_protection
  deployer_member         = var.deployer_member
  iam_propagation_wait    = var.iam_propagation_wait
}

# The identity Scheduler calls this app as: run.invoker on this service and nothing else.
resource "google_service_account" "scheduler" {
  count = local.has_jobs ? 1 : 0

  project      = var.project_id
  account_id   = "${var.name}-sched"
  display_name = "${var.name} (Cloud Scheduler)"
  description  = "Cloud Scheduler calls the ${var.name} job endpoints as this account."
}

# The CI deployer may act as the Scheduler account (a job that calls as it needs actAs to be made):
# right after the account, and the jobs wait for it and for IAM to propagate (only on create).
resource "google_service_account_iam_member" "deployer_acts_as_scheduler" {
  count = local.has_jobs && var.deployer_member != null ? 1 : 0

  service_account_id = google_service_account.scheduler[0].name
  role               = "roles/iam.serviceAccountUser"
  member             = var.deployer_member
}

resource "time_sleep" "deployer_acts_as_scheduler" {
  count = local.has_jobs && var.deployer_member != null ? 1 : 0

  create_duration = var.iam_propagation_wait
  triggers = {
    binding = google_service_account_iam_member.deployer_acts_as_scheduler[0].id
  }
}

resource "google_cloud_run_v2_service_iam_member" "scheduler" {
  count = local.has_jobs ? 1 : 0

  project  = var.project_id
  location = var.region
  name     = module.service.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.scheduler[0].email}"
}

module "job" {
  source   = "../scheduler-job"
  for_each = var.jobs

  project_id            = var.project_id
  region                = var.region
  name                  = "${var.name}-${each.key}"
  description           = each.value.description
  schedule              = each.value.schedule
  time_zone             = each.value.time_zone
  uri                   = "${module.service.url}${each.value.path}"
  audience              = module.service.url
  service_account_email = google_service_account.scheduler[0].email
  retry_count           = each.value.retry_count
  attempt_deadline      = each.value.attempt_deadline
  paused                = each.value.paused

  depends_on = [
    google_cloud_run_v2_service_iam_member.scheduler,
    time_sleep.deployer_acts_as_scheduler,
  ]
}
