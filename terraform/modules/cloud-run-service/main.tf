# One app as a Cloud Run service: its own service account, plain and secret environment, Cloud SQL
# socket and VPC egress, scaling, and run.invoker for the listed members only (never public).

data "google_project" "this" {
  project_id = var.project_id
}

locals {
  service_account_id = "${var.name}-run"

  # Cloud Run's deterministic URL, https://<service>-<project number>.<region>.run.app, is known
  # before the service exists. Scheduler jobs use it as target and audience, so nothing has to be
  # read back from the service; the postcondition below checks Cloud Run really serves it.
  url = "https://${var.name}-${data.google_project.this.number}.${var.region}.run.app"

  mount_cloud_sql = length(var.cloud_sql_instances) > 0
}

resource "google_service_account" "this" {
  project      = var.project_id
  account_id   = local.service_account_id
  display_name = "${var.name} (Cloud Run)"
  description  = "Runtime identity of the ${var.name} Cloud Run service."
}

# The CI deployer may act as this account (roles/iam.serviceAccountUser on it, and on no other), so
# it can deploy revisions that run as it. Made here, right after the account, because creating the
# service below already needs it: a binding that waited for the whole app would never be in place
# when a new app's first service is created (terraform/README.md, "CI accounts").
resource "google_service_account_iam_member" "deployer_acts_as" {
  count = var.deployer_member == null ? 0 : 1

  service_account_id = google_service_account.this.name
  role               = "roles/iam.serviceAccountUser"
  member             = var.deployer_member
}

# IAM changes take effect within about two minutes, seldom up to seven; the service waits so the
# deployer's first create is not refused. Only on create: later applies do not wait.
resource "time_sleep" "deployer_acts_as" {
  count = var.deployer_member == null ? 0 : 1

  create_duration = var.iam_propagation_wait
  triggers = {
    binding = google_service_account_iam_member.deployer_acts_as[0].id
  }
}

# roles/cloudsql.client exists only at project level. Each environment has its own project with one
# instance, so this grants no more than connecting to that instance.
resource "google_project_iam_member" "cloudsql_client" {
  count = local.mount_cloud_sql ? 1 : 0

  project = var.project_id
  role    = "roles/cloudsql.client"
  member  = "serviceAccount:${google_service_account.this.email}"
}

# Read access to this service's own secrets and nothing else.
resource "google_secret_manager_secret_iam_member" "secret_env" {
  for_each = var.secret_env

  project   = var.project_id
  secret_id = each.value.secret
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.this.email}"
}

resource "google_cloud_run_v2_service" "this" {
  project             = var.project_id
  location            = var.region
  name                = var.name
  ingress             = var.ingress
  labels              = var.labels
  deletion_protection = var.deletion_protection

  template {
    service_account                  = google_service_account.this.email
    timeout                          = "${var.request_timeout_seconds}s"
    max_instance_request_concurrency = var.concurrency
    execution_environment            = "EXECUTION_ENVIRONMENT_GEN2"
    labels                           = var.labels

    scaling {
      min_instance_count = var.min_instances
      max_instance_count = var.max_instances
    }

    dynamic "vpc_access" {
      for_each = var.vpc_access == null ? [] : [var.vpc_access]
      content {
        egress = vpc_access.value.egress
        network_interfaces {
          network    = vpc_access.value.network
          subnetwork = vpc_access.value.subnetwork
        }
      }
    }

    dynamic "volumes" {
      for_each = local.mount_cloud_sql ? [1] : []
      content {
        name = "cloudsql"
        cloud_sql_instance {
          instances = var.cloud_sql_instances
        }
      }
    }

    containers {
      image = var.image

      ports {
        container_port = var.container_port
      }

      resources {
        limits = {
          cpu    = var.cpu
          memory = var.memory
        }
        # CPU only while a request is in flight: jobs finish before they respond (docs/architecture.md).
        cpu_idle          = true
        startup_cpu_boost = true
      }

      dynamic "env" {
        for_each = var.env
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = var.secret_env
        content {
          name = env.key
          value_source {
            secret_key_ref {
              secret  = env.value.secret
              version = env.value.version
            }
          }
        }
      }

      dynamic "volume_mounts" {
        for_each = local.mount_cloud_sql ? [1] : []
        content {
          name       = "cloudsql"
          mount_path = "/cloudsql"
        }
      }

      startup_probe {
        http_get {
          path = var.health_check_path
        }
        period_seconds    = 2
        timeout_seconds   = 1
        failure_threshold = 30
      }

      liveness_probe {
        http_get {
          path = var.health_check_path
        }
        period_seconds    = 30
        timeout_seconds   = 5
        failure_threshold = 3
      }
    }
  }

  traffic {
    type    = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST"
    percent = 100
  }

  lifecycle {
    postcondition {
      condition     = contains(self.urls, local.url)
      error_message = "Cloud Run does not serve ${local.url}; Scheduler jobs target that URL. Check the service's urls."
    }
  }

  # A revision that reads a secret it may not access, or a socket it may not open, fails to start.
  # The deployer must be allowed to act as the runtime account before it creates the service.
  depends_on = [
    google_secret_manager_secret_iam_member.secret_env,
    google_project_iam_member.cloudsql_client,
    time_sleep.deployer_acts_as,
  ]
}

resource "google_cloud_run_v2_service_iam_member" "invoker" {
  for_each = var.invokers

  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_service.this.name
  role     = "roles/run.invoker"
  member   = each.value
}

# A public service (var.public): Cloud Run lets every request through and the app authenticates each.
resource "google_cloud_run_v2_service_iam_member" "public" {
  count = var.public ? 1 : 0

  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_service.this.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
