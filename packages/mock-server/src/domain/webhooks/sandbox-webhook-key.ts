/**
 * The default account's webhook signing key: a fixed, published RSA key, so the default sandbox signs the same
 * bytes the same way on every run and machine. **A sandbox key for tests only**: it is public, it proves nothing,
 * and no real system should ever trust it. `GET /_mock/webhooks/public-key` serves its public half.
 */
export const SANDBOX_WEBHOOK_PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----
MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQCn8xSNByuFX9Fh
+UTkoKJG0YcZNb+Z29m6/exghzHiz5s0QsME6ltJ3mqYqXP3bodJ1Lp9YejzmucG
50GudnzP9yrFlchMUBaohCAAv2PK+TMUVPf0GjCF4TiFWEK5uPIcOpdbxKGvWJ/Z
TPeeZ54FIS4hCZFocy4ytFsDG7RkTOyVKj1ztscXOT0kGYfI8UDNl+jbczkEy13r
N6i86QD+ip2e37ltCSWolVzVjrp7ZhVYjPp4pvuJ867betV8n9AZzUTUP2bAOkQ1
+wQoU8CGgdxIUpNVHM+r4SZpB21CUBWBxMF5QQ8kft/OOa/d1OvkHygrNhQvaBaH
f5+yBi6pAgMBAAECggEABIuZ8R3SOgrXfNelMKwpmCcQM/N2GwY4hKIIpVgjVn3D
N+KH//hjvhe3Oih5NfzCIT0Q9axnrz1wUTSDB44MtLLTb9jXkeZ8+9SPlSruMCPB
vnl04yCuUtaUlASefFjwBymNcnNbjjD6KoRgaI4Urb4xzxJrjVsd/fX5nJeXBeaF
EP5A1GW5gJxU5URgPLIohDrJejnK29Zd/uhDDbs5CuAl3QDgkSV0PR65UIzMNCPA
ATaT8IABUgKw3jbp5fo092kwUTpnjJcDMa7hS4Kt6XfnkgYZJYgaMJtfjuYAtAkF
2+6yH1ontATYaAEHAl+ou2F5XkZvptWTa6jpaAC2fQKBgQDtbCzDb3YQGrdH6VA+
JOnd1D+cMBJhUZ/rhMyX0F6KBWx5Pnioc6xAS7yzUQ9sKX699GOUOeIXbqezk8Xx
vlf6b5cyVaczOUHlET0FpoIdLH01/F5KMEOsGGTcUoFlZWpbyhO41HPgMw9C53vP
qYCJLN3rsNoH2/P3CAoeEz/ZLwKBgQC1F0mEmnjsV2ns6ouuOyMqDO41VWmifoDe
UnaFsOQg75zCsFpUqcioXvf3zZw1T6Ytii6Gd+7rCEqORg3hEJVyOdlaXFTUXS06
n3aZqFwW5L/YS2y7UTgN98/6qknaWBoJowUTgo3ouUJTsp9rYWjdomSWDJkQVAvU
RBcBm8ZPpwKBgEEPfqjDl3/MQmNTXSjaZrfiHNhJGBBRFNiuWH5VnEKIP/RtmRTY
NeCcoIYm9Wn3aQLWwJ7yybEQIqaEHR8kwOkgwTcK37mavCLweV9eBJPICDvN/2yn
EzRKrwDtHwZRJzcmBgeFOIe8ljcIRhZe5ZkxkVKv8N9sd8s/Cb66GaoDAoGAU6qh
reFMsy0j5HDs/h+WfIwi1oNS3d+CnLUOy2/RxqHOFGk0It+atKfD+zqEzGCzT2ED
Y98vhGl9QMR/DxgBZBf0Ivp7uu4dwnMAcbfGbFFdjYozf0vkERgIgDCDFJ0V0pP9
+WidNgO58D+bxhnoQFYSEP1bDp82I+kdlAGrmwsCgYAUuA5qTAbUG9CnoFMylWVl
n8m8JR0ODdYRSbxB8fPo36BDiVqsA/CD1tjAXTomYrHb5eU1LDv1M/P71FHYaB/+
xiqOGG61I559c/CZ/d/5ce/uHwjP/u/vGB7EJVwLsN7qByjgdbBW+2HjSzvwKKD2
BWShQKkb7UTs/P7t0gJpvQ==
-----END PRIVATE KEY-----
`;
