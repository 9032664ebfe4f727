terraform {
  required_version = ">= 1.5"

  required_providers {
    google = {
      source = "hashicorp/google"
      # 6.12 added the `urls` attribute of google_cloud_run_v2_service used by cloud-run-service.
      version = "~> 6.12"
    }
  }
}
