# A private bucket: IAM only (no ACLs), never public, optionally versioned.

resource "google_storage_bucket" "this" {
  project                     = var.project_id
  name                        = var.name
  location                    = var.location
  storage_class               = var.storage_class
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false
  labels                      = var.labels

  versioning {
    enabled = var.versioning
  }

  soft_delete_policy {
    retention_duration_seconds = var.soft_delete_retention_seconds
  }

  dynamic "lifecycle_rule" {
    for_each = var.versioning && var.noncurrent_version_retention_days != null ? [var.noncurrent_version_retention_days] : []
    content {
      condition {
        days_since_noncurrent_time = lifecycle_rule.value
      }
      action {
        type = "Delete"
      }
    }
  }
}

resource "google_storage_bucket_iam_member" "this" {
  for_each = var.iam_members

  bucket = google_storage_bucket.this.name
  role   = each.value.role
  member = each.value.member
}
