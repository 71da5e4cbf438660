package clientauth

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"math/big"
)

// rsaPrimes is how an RSA key is kept in the keychain: its public exponent
// and its two primes, from which everything else follows. A PKCS#8 RSA-2048
// key and its certificate come to about 2,000 bytes of DER, over 2,600 in
// base64: more than the 2,560 bytes a Windows Credential Manager entry
// holds. The primes are a quarter of that key.
type rsaPrimes struct {
	E, P, Q *big.Int
}

// MarshalPrivate is the private key as the keychain keeps it: DER, the
// primes form for RSA, PKCS#8 for EC.
func (k *Key) MarshalPrivate() ([]byte, error) {
	if r, ok := k.Signer.(*rsa.PrivateKey); ok {
		return asn1.Marshal(rsaPrimes{E: big.NewInt(int64(r.E)), P: r.Primes[0], Q: r.Primes[1]})
	}
	return x509.MarshalPKCS8PrivateKey(k.Signer)
}

// UnmarshalPrivate reads what MarshalPrivate wrote; cert (DER) may be nil.
func UnmarshalPrivate(der, cert []byte) (*Key, error) {
	var k *Key
	var err error
	if p8, perr := x509.ParsePKCS8PrivateKey(der); perr == nil {
		ec, ok := p8.(*ecdsa.PrivateKey)
		if !ok {
			return nil, errors.New("unexpected key type in the stored key")
		}
		k, err = newKey(ec, nil)
	} else {
		var p rsaPrimes
		rest, aerr := asn1.Unmarshal(der, &p)
		if aerr != nil || len(rest) != 0 {
			return nil, errors.New("the stored key does not parse")
		}
		r, rerr := fromPrimes(p)
		if rerr != nil {
			return nil, rerr
		}
		k, err = newKey(r, nil)
	}
	if err != nil {
		return nil, err
	}
	if cert != nil {
		c, err := x509.ParseCertificate(cert)
		if err != nil {
			return nil, errors.New("the stored certificate does not parse")
		}
		if err := k.SetCertificate(c); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// fromPrimes rebuilds an RSA key from e, p and q. Its d may differ from the
// original's (λ(n) or φ(n)), but d mod p-1 and d mod q-1, which sign, do not.
func fromPrimes(p rsaPrimes) (*rsa.PrivateKey, error) {
	bad := errors.New("the stored RSA key is not valid")
	one := big.NewInt(1)
	if p.E == nil || p.P == nil || p.Q == nil || !p.E.IsInt64() || p.E.Int64() < 3 || p.E.Int64() > 1<<31-1 {
		return nil, bad
	}
	n := new(big.Int).Mul(p.P, p.Q)
	phi := new(big.Int).Mul(new(big.Int).Sub(p.P, one), new(big.Int).Sub(p.Q, one))
	d := new(big.Int).ModInverse(p.E, phi)
	if d == nil {
		return nil, bad
	}
	qInv := new(big.Int).ModInverse(p.Q, p.P)
	if qInv == nil {
		return nil, bad
	}
	// With the CRT values given, Precompute takes the fast path that
	// x509.ParsePKCS1PrivateKey takes; without them, deriving them costs
	// ten times as much (BenchmarkUnmarshalPrivate). Validate after it
	// finds the key checked already.
	r := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: n, E: int(p.E.Int64())}, D: d, Primes: []*big.Int{p.P, p.Q},
		Precomputed: rsa.PrecomputedValues{
			Dp:   new(big.Int).Mod(d, new(big.Int).Sub(p.P, one)),
			Dq:   new(big.Int).Mod(d, new(big.Int).Sub(p.Q, one)),
			Qinv: qInv,
		}}
	r.Precompute()
	if err := r.Validate(); err != nil {
		return nil, bad
	}
	return r, nil
}

// Fingerprint is a hash of the private key: it names the key (in cache
// keys, so that a new key never gets a token cached for the old one)
// without revealing it.
func (k *Key) Fingerprint() string {
	der, _ := k.MarshalPrivate()
	sum := sha256.Sum256(append([]byte("clientauth key\x00"), der...))
	return hex.EncodeToString(sum[:])
}
