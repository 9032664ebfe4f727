# The shared PostgreSQL 15 instance and its one database. Roles and passwords are not managed here
# (a password in Terraform ends up in the state): see terraform/README.md for the manual steps.

resource "google_sql_database_instance" "this" {
  project             = var.project_id
  region              = var.region
  name                = var.name
  database_version    = "POSTGRES_15"
  deletion_protection = var.deletion_protection

  settings {
    edition                     = "ENTERPRISE"
    tier                        = var.tier
    availability_type           = var.availability_type
    disk_type                   = "PD_SSD"
    disk_size                   = var.disk_size_gb
    disk_autoresize             = true
    deletion_protection_enabled = var.deletion_protection
    user_labels                 = var.labels

    ip_configuration {
      ipv4_enabled    = var.public_ip
      private_network = var.private_network
      ssl_mode        = var.ssl_mode
    }

    backup_configuration {
      enabled                        = true
      start_time                     = var.backup_start_time
      point_in_time_recovery_enabled = var.point_in_time_recovery
      transaction_log_retention_days = var.transaction_log_retention_days

      backup_retention_settings {
        retained_backups = var.retained_backups
        retention_unit   = "COUNT"
      }
    }

    maintenance_window {
      day          = var.maintenance_day
      hour         = var.maintenance_hour
      update_track = "stable"
    }

    insights_config {
      query_insights_enabled  = true
      record_application_tags = false
      record_client_address   = false
    }

    dynamic "database_flags" {
      for_each = var.database_flags
      content {
        name  = database_flags.key
        value = database_flags.value
      }
    }
  }

  lifecycle {
    # The disk grows by itself (disk_autoresize) and can never shrink: without this, the next plan
    # after a resize would try to set it back to var.disk_size_gb, which the API refuses.
    ignore_changes = [settings[0].disk_size]

    precondition {
      condition     = var.public_ip || var.private_network != null
      error_message = "The instance needs a private_network (the default way) or public_ip = true; it would be unreachable otherwise."
    }
  }
}

resource "google_sql_database" "this" {
  project  = var.project_id
  instance = google_sql_database_instance.this.name
  name     = var.database_name
  # Dropping a database that has tables is never what `terraform destroy` should do.
  deletion_policy = "ABANDON"
}
