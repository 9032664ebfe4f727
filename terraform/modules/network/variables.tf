variable "project_id" {
  description = "Project of the network."
  type        = string
}

variable "region" {
  description = "Region of the Cloud Run subnet."
  type        = string
}

variable "name" {
  description = "Network name."
  type        = string
  default     = "platform"
}

variable "run_subnet_cidr" {
  description = "Range of the subnet Cloud Run's Direct VPC egress takes addresses from (at least /26; each instance uses addresses from it)."
  type        = string
  default     = "10.8.0.0/24"
}

variable "private_services_prefix_length" {
  description = "Size of the range reserved for Google-managed services (Cloud SQL private IPs)."
  type        = number
  default     = 20
}
