terraform {
  required_version = ">= 1.5"

  required_providers {
    # Exact versions: the ones in .terraform.lock.hcl (terraform/README.md, "Provider lock files").
    google = {
      source  = "hashicorp/google"
      version = "6.49.1"
    }
    time = {
      source  = "hashicorp/time"
      version = "0.13.1"
    }
  }

  # Shared state in a versioned GCS bucket (created once by hand; terraform/README.md). Partial
  # configuration: the bucket comes from `terraform init -backend-config=bucket=<state bucket>`
  # (CI: $TF_STATE_BUCKET). `terraform init -backend=false` is enough for `validate`.
  backend "gcs" {
    prefix = "university-services/staging"
  }
}

provider "google" {
  project = var.project_id
  region  = var.region

  default_labels = {
    environment = "staging"
    managed-by  = "terraform"
  }
}
