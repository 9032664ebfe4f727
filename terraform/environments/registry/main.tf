# The image repository in the CI project, shared by every environment (applied by hand, rarely:
# `terraform -chdir=terraform/environments/registry apply`). terraform/README.md, "Images".

module "registry" {
  source = "../../modules/artifact-registry"

  project_id        = var.project_id
  region            = var.region
  keep_recent       = var.keep_recent
  delete_after_days = var.delete_after_days
  readers           = var.readers
  writers           = var.writers
}

variable "project_id" {
  description = "The CI project."
  type        = string
}

variable "region" {
  description = "Repository location."
  type        = string
  default     = "europe-west2"
}

variable "keep_recent" {
  description = "Versions kept per image whatever their age (how far back a rollback can go)."
  type        = number
  default     = 50
}

variable "delete_after_days" {
  description = "Older versions are deleted unless kept by keep_recent or the build cache."
  type        = number
  default     = 90
}

variable "readers" {
  description = "{ staging = \"serviceAccount:service-<number>@serverless-robot-prod.iam.gserviceaccount.com\", production = ... }"
  type        = map(string)
  default     = {}
}

variable "writers" {
  description = "{ ci-build = \"serviceAccount:<build account>\" }"
  type        = map(string)
  default     = {}
}

output "registry" {
  description = "CI's REGISTRY variable and the environments' image_repository."
  value       = module.registry.path
}
