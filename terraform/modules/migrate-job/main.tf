# The migration deploy step as a Cloud Run Job: the app image with another argument
# (`node scripts/db-migrate.mjs`), inside the VPC, with the schema owner's DATABASE_URL. CI points
# it at the release's image and executes it before deploying the services; it never runs on app start.

resource "google_service_account" "this" {
  project      = var.project_id
  account_id   = var.name
  display_name = "${var.name} (Cloud Run Job)"
  description  = "Applies database migrations; the only identity that can read the schema owner's credentials."
}

# The CI deployer may act as this account (and CI updates the job's image as it): made right after
# the account, and the job waits for it, so the deployer can create the job in the same apply.
resource "google_service_account_iam_member" "deployer_acts_as" {
  count = var.deployer_member == null ? 0 : 1

  service_account_id = google_service_account.this.name
  role               = "roles/iam.serviceAccountUser"
  member             = var.deployer_member
}

# IAM propagation (about two minutes); only on create.
resource "time_sleep" "deployer_acts_as" {
  count = var.deployer_member == null ? 0 : 1

  create_duration = var.iam_propagation_wait
  triggers = {
    binding = google_service_account_iam_member.deployer_acts_as[0].id
  }
}

resource "google_project_iam_member" "cloudsql_client" {
  count = length(var.cloud_sql_instances) > 0 ? 1 : 0

  project = var.project_id
  role    = "roles/cloudsql.client"
  member  = "serviceAccount:${google_service_account.this.email}"
}

resource "google_secret_manager_secret_iam_member" "database_url" {
  project   = var.project_id
  secret_id = var.database_url_secret
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.this.email}"
}

resource "google_cloud_run_v2_job" "this" {
  project             = var.project_id
  location            = var.region
  name                = var.name
  labels              = var.labels
  deletion_protection = var.deletion_protection

  template {
    task_count  = 1
    parallelism = 1

    template {
      service_account       = google_service_account.this.email
      timeout               = "${var.timeout_seconds}s"
      max_retries           = 0 # a failed migration needs a person, not a retry
      execution_environment = "EXECUTION_ENVIRONMENT_GEN2"

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
        for_each = length(var.cloud_sql_instances) > 0 ? [1] : []
        content {
          name = "cloudsql"
          cloud_sql_instance {
            instances = var.cloud_sql_instances
          }
        }
      }

      containers {
        image = var.image
        # The image's ENTRYPOINT is node; this replaces its CMD (the app).
        args = ["scripts/db-migrate.mjs"]

        resources {
          limits = {
            cpu    = "1"
            memory = "512Mi"
          }
        }

        env {
          name  = "NODE_ENV"
          value = "production"
        }

        dynamic "env" {
          for_each = var.env
          content {
            name  = env.key
            value = env.value
          }
        }

        env {
          name = "DATABASE_URL"
          value_source {
            secret_key_ref {
              secret  = var.database_url_secret
              version = "latest"
            }
          }
        }

        dynamic "volume_mounts" {
          for_each = length(var.cloud_sql_instances) > 0 ? [1] : []
          content {
            name       = "cloudsql"
            mount_path = "/cloudsql"
          }
        }
      }
    }
  }

  lifecycle {
    # CI owns the image of each release (`gcloud run jobs update --image`); see .gitlab-ci.yml.
    ignore_changes = [
      template[0].template[0].containers[0].image,
      client,
      client_version,
    ]
  }

  depends_on = [
    google_secret_manager_secret_iam_member.database_url,
    google_project_iam_member.cloudsql_client,
    time_sleep.deployer_acts_as,
  ]
}
