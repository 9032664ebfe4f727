terraform {
  required_version = ">= 1.5"

  required_providers {
    # Exact version: the one in .terraform.lock.hcl (terraform/README.md, "Provider lock files").
    google = {
      source  = "hashicorp/google"
      version = "6.49.1"
    }
  }

  # Partial configuration: `terraform init -backend-config=bucket=<state bucket>` (prefix below).
  backend "gcs" {
    prefix = "university-services/registry"
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}
