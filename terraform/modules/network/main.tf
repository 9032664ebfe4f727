# The VPC that lets Cloud Run reach Cloud SQL on a private IP: a subnet for Direct VPC egress, and
# private services access (a peering to the Google-managed network that hosts Cloud SQL).

resource "google_compute_network" "this" {
  project                 = var.project_id
  name                    = var.name
  auto_create_subnetworks = false
}

resource "google_compute_subnetwork" "run" {
  project                  = var.project_id
  region                   = var.region
  name                     = "${var.name}-run-${var.region}"
  network                  = google_compute_network.this.id
  ip_cidr_range            = var.run_subnet_cidr
  private_ip_google_access = true
}

resource "google_compute_global_address" "private_services" {
  project       = var.project_id
  name          = "${var.name}-private-services"
  purpose       = "VPC_PEERING"
  address_type  = "INTERNAL"
  prefix_length = var.private_services_prefix_length
  network       = google_compute_network.this.id
}

resource "google_service_networking_connection" "private_services" {
  network                 = google_compute_network.this.id
  service                 = "servicenetworking.googleapis.com"
  reserved_peering_ranges = [google_compute_global_address.private_services.name]
  # Removing the peering fails while Cloud SQL still uses it; leave it to be deleted with the network.
  deletion_policy = "ABANDON"
}
