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

provider "registry.terraform.io/hashicorp/time" {
  version     = "0.13.1"
  constraints = "~> 0.13, 0.13.1"
  hashes = [
    "h1:5l8PAnxPdoUPqNPuv1dAr3efcCCtSCnY+Vj2nSGkQmw=",
    "h1:ZT5ppCNIModqk3iOkVt5my8b8yBHmDpl663JtXAIRqM=",
    "zh:02cb9aab1002f0f2a94a4f85acec8893297dc75915f7404c165983f720a54b74",
    "zh:04429b2b31a492d19e5ecf999b116d396dac0b24bba0d0fb19ecaefe193fdb8f",
    "zh:26f8e51bb7c275c404ba6028c1b530312066009194db721a8427a7bc5cdbc83a",
    "zh:772ff8dbdbef968651ab3ae76d04afd355c32f8a868d03244db3f8496e462690",
    "zh:78d5eefdd9e494defcb3c68d282b8f96630502cac21d1ea161f53cfe9bb483b3",
    "zh:898db5d2b6bd6ca5457dccb52eedbc7c5b1a71e4a4658381bcbb38cedbbda328",
    "zh:8de913bf09a3fa7bedc29fec18c47c571d0c7a3d0644322c46f3aa648cf30cd8",
    "zh:9402102c86a87bdfe7e501ffbb9c685c32bbcefcfcf897fd7d53df414c36877b",
    "zh:b18b9bb1726bb8cfbefc0a29cf3657c82578001f514bcf4c079839b6776c47f0",
    "zh:b9d31fdc4faecb909d7c5ce41d2479dd0536862a963df434be4b16e8e4edc94d",
    "zh:c951e9f39cca3446c060bd63933ebb89cedde9523904813973fbc3d11863ba75",
    "zh:e5b773c0d07e962291be0e9b413c7a22c044b8c7b58c76e8aa91d1659990dfb5",
  ]
}
