# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/hashicorp/google" {
  version     = "6.49.1"
  constraints = "~> 6.12, 6.49.1"
  hashes = [
    "h1:/DR/dg5mVQkbDD0VH/zep5FbUjxgsNyeCEdyBYJHEeg=",
    "zh:0fca29d64bee30984645a9c88076a5e26213b3f54b75a89ae64ca3148ea9fcd9",
    "zh:2496949c284d0d0982a8d53ac18f5c3d8f52beb0b94109098847944a74f455be",
    "zh:4ef9a757a13ec3b09779295ae5ee260dd230d430a1b1232152b0cef0f4e8d85d",
    "zh:4f3ee24bb269fc959fbc667a90623753a8f2e11b37a0ce4cce3a12b3850e135c",
    "zh:8f19463126b7343bef3ba6e544f3f97fb6e7b5f7a23efe4cb5f43089638c347d",
    "zh:9555a8e37e9134f551a80e8bfb163a809dfe910deacf627b3e7ef00443b33761",
    "zh:b88106d18d0fc6b5f146edecd51dc609edb5b7465628fb20f1d16b6e3b2cc31d",
    "zh:bef2ee733f781b653b392b2d0a760ba806ba82468998fbdebe5a54eb90606d25",
    "zh:cbd8664d1a3f86d53e45719ae7be0287ea17a506478ee3f1709efb603f42b84c",
    "zh:dd06e17e62f38b5034bf120c13abee23786fc5445f77c5a03b5d85fa451319bb",
    "zh:defd72f391ae8e83b74ef7ede6673c389d522f3e19b90ff5eb2d2971ac72a313",
    "zh:f569b65999264a9416862bca5cd2a6177d94ccb0424f3a4ef424428912b9cb3c",
  ]
}
