output "network_id" {
  description = "Network id, projects/<project>/global/networks/<name>."
  value       = google_compute_network.this.id
}

output "network_name" {
  description = "Network name, for Cloud Run's vpc_access."
  value       = google_compute_network.this.name
}

output "run_subnetwork_name" {
  description = "Subnet name, for Cloud Run's vpc_access."
  value       = google_compute_subnetwork.run.name
}

output "private_services_network" {
  description = "The network id, read from the private services connection: pass it to cloud-sql so the instance is created after the peering."
  value       = google_service_networking_connection.private_services.network
}
