# The Docker repository CI pushes every app's image to (<repository>/<app>:<commit SHA>), with a
# cleanup policy that keeps enough images to roll back to, and read access for the environments'
# Cloud Run service agents.
#
# Cleanup: a version is deleted once it is older than var.delete_after_days, unless a keep policy
# matches it: the var.keep_recent most recent versions of each image (each app is one image, so
# that many of its last builds on main) and the BuildKit cache tag. Keep beats delete. The cache is
# its own package per app (cache/<app>:buildcache, .gitlab-ci.yml), so its pushes never use up an
# app's keep_recent versions.

resource "google_project_service" "artifactregistry" {
  project            = var.project_id
  service            = "artifactregistry.googleapis.com"
  disable_on_destroy = false
}

resource "google_artifact_registry_repository" "this" {
  project       = var.project_id
  location      = var.region
  repository_id = var.repository_id
  format        = "DOCKER"
  description   = "University Services Platform images, one per app, tagged with the commit SHA."

  # false: the policies below really delete (true only reports what they would).
  cleanup_policy_dry_run = false

  cleanup_policies {
    id     = "keep-recent-builds"
    action = "KEEP"
    most_recent_versions {
      keep_count = var.keep_recent
    }
  }

  cleanup_policies {
    id     = "keep-build-cache"
    action = "KEEP"
    condition {
      tag_state    = "TAGGED"
      tag_prefixes = ["buildcache"]
    }
  }

  cleanup_policies {
    id     = "delete-old"
    action = "DELETE"
    condition {
      tag_state  = "ANY"
      older_than = "${var.delete_after_days * 86400}s"
    }
  }

  depends_on = [google_project_service.artifactregistry]
}

resource "google_artifact_registry_repository_iam_member" "readers" {
  for_each = var.readers

  project    = var.project_id
  location   = var.region
  repository = google_artifact_registry_repository.this.name
  role       = "roles/artifactregistry.reader"
  member     = each.value
}

resource "google_artifact_registry_repository_iam_member" "writers" {
  for_each = var.writers

  project    = var.project_id
  location   = var.region
  repository = google_artifact_registry_repository.this.name
  role       = "roles/artifactregistry.writer"
  member     = each.value
}
