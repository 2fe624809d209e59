/**
 * A throwaway self-signed certificate for 127.0.0.1 / localhost (EC P-256, valid until 2126), made with
 * `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 -subj /CN=127.0.0.1
 *  -addext subjectAltName=IP:127.0.0.1,DNS:localhost`. It protects nothing: it only lets a test stand up an HTTPS
 * server that no trust store vouches for.
 */
export const SELF_SIGNED_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgkYHSAbApUh7PZ5Ot
hTDfVNW20aZDg9WbKG34CQ10K8qhRANCAATh0+2OuqanKfjsoPy4Q2Uz9OHQdynX
99EOUBrGLtmZ61czS2q8ccWM1M5DMsexUUiUt9cx1CN7UWkOWFACbLLj
-----END PRIVATE KEY-----
`;

export const SELF_SIGNED_CERT = `-----BEGIN CERTIFICATE-----
MIIBmjCCAUGgAwIBAgIUC6gQlSEblHe04ld3ntdPVfxODMIwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyNTA0MzExOFoYDzIxMjYxMTAx
MDQzMTE4WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAATh0+2OuqanKfjsoPy4Q2Uz9OHQdynX99EOUBrGLtmZ61czS2q8ccWM
1M5DMsexUUiUt9cx1CN7UWkOWFACbLLjo28wbTAdBgNVHQ4EFgQU5Lu3DYbVU90J
drkmnel5S+4Bbw0wHwYDVR0jBBgwFoAU5Lu3DYbVU90Jdrkmnel5S+4Bbw0wDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI
zj0EAwIDRwAwRAIgDDpqHzSU4zHs0/jQ8KLf+cnYOlQ1eZglep27dfoYu0UCIH4L
tD/i9fnCyLAvXmxpI81870spXKqDEIOeVnQ52VSi
-----END CERTIFICATE-----
`;
