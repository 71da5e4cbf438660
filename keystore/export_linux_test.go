package keystore

// KeyctlError is keyctlError, for the external tests.
var KeyctlError = keyctlError
