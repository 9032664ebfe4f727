terraform {
  required_version = ">= 1.5"

  required_providers {
    google = {
      source = "hashicorp/google"
      # 6.12 added the `urls` attribute of google_cloud_run_v2_service used by cloud-run-service.
      version = "~> 6.12"
    }
    # time_sleep: IAM propagation after the deployer's actAs binding.
    time = {
      source  = "hashicorp/time"
      version = "~> 0.13"
    }
  }
}
