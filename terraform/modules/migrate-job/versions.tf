terraform {
  required_version = ">= 1.5"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.12"
    }
    # time_sleep: IAM propagation after the deployer's actAs binding.
    time = {
      source  = "hashicorp/time"
      version = "~> 0.13"
    }
  }
}
