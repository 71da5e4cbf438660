// Package tokencache keeps tokens between calls: the encrypted file cache
// that every process shares, and the agent's memory, behind one Store.
// Both follow the same freshness rules, the per-key lock that makes
// concurrent callers wait for one fetch, and the rejection memory.
package tokencache

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/privfile"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/route"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tools"
)

// Store keeps tokens between calls: the encrypted file cache of every
// process, or the agent's memory. The freshness rules, the lock that makes
// concurrent callers wait for one fetch, and the rejection memory are the
// same for both (see helper.Core.Token).
type Store interface {
	// key identifies the token that c yields. c.Secret is set when
	// keyedBySecret says the key needs it.
	Key(c Identity) Key
	KeyedBySecret() bool
	Load(k Key) (*Entry, bool)
	Lock(ctx context.Context, k Key) (unlock func(), err error)
	Store(k Key, e *Entry) error
	Rejected(k Key, now time.Time) (*Rejection, bool)
	RememberRejection(k Key, msg string, now time.Time)
	ForgetRejection(k Key)
	Drop(profile string) error
}

// Files keeps tokens on disk, one AES-GCM encrypted file per key, under a
// key derived from the client secret: no plaintext token rests on disk, a
// hit costs no keychain read beyond the secret's, and a rotated secret
// invalidates its entries by itself.
type Files struct {
	Dir string // "" disables caching
}

func (Files) Key(c Identity) Key  { return NewKey(c) }
func (Files) KeyedBySecret() bool { return true }

// Entry is a cached token.
type Entry struct {
	AccessToken string    `json:"access_token"`
	Expiry      time.Time `json:"expiry"`   // from expires_in (or a sooner JWT exp) at receipt, capped
	Received    time.Time `json:"received"` // when the response arrived
}

// Margin is how long before its expiry a token stops being served:
// max(30 s, 10% of its lifetime), but at most half of it.
func (e *Entry) Margin() time.Duration {
	life := e.Expiry.Sub(e.Received)
	m := max(30*time.Second, life/10)
	return min(m, life/2)
}

// RefreshAt is the time from which the helper no longer serves the token
// (credential.Token.RefreshAt, what the protocols report as its expiry).
func (e *Entry) RefreshAt() time.Time { return e.Expiry.Add(-e.Margin()) }

// Usable reports whether the token may be served at now with at least minTTL
// left before RefreshAt. A token received "in the future" (the clock went
// back) is never served, nor one that an older build cached without
// checking its characters (see credential.Printable).
func (e *Entry) Usable(now time.Time, minTTL time.Duration) bool {
	return e.Unusable(now, minTTL) == ""
}

// Unusable says why the token may not be served at now with at least
// minTTL left (Usable's rule, in words for the trace), or "" when it may.
func (e *Entry) Unusable(now time.Time, minTTL time.Duration) string {
	switch {
	case !credential.Printable(e.AccessToken):
		return "its characters were never checked (cached by an older build)"
	case now.Before(e.Received):
		return "received after now: the clock went back"
	}
	switch left := e.RefreshAt().Sub(now); {
	case left <= 0:
		return "expired: past its refresh time " + e.RefreshAt().UTC().Format(time.RFC3339)
	case left < minTTL:
		return fmt.Sprintf("within --min-ttl: %s left before its refresh time, %s asked", left.Round(time.Second), minTTL)
	}
	return ""
}

// Identity is what decides which token a set of credentials yields. Secret
// is needed only by stores whose KeyedBySecret says so.
type Identity struct {
	Profile, TokenURL, ClientID, Audience, Scope, AuthMethod, Secret string
}

// Key identifies the token a set of credentials yields: a hash of the
// normalised token URL, client ID, audience, scope, auth method and a
// fingerprint of the secret. It also returns the entry encryption key.
type Key struct {
	prefix string // hash of the profile name, so a profile's entries can be erased without its secret
	id     string
	aead   []byte
}

func NewKey(c Identity) Key {
	fp, _ := hkdf.Key(sha256.New, []byte(c.Secret), []byte(keystoreSalt), "fingerprint", 32)
	id := keyID(c, hex.EncodeToString(fp))
	key, _ := hkdf.Key(sha256.New, []byte(c.Secret), []byte(id), "cache entry v1", 32)
	return Key{prefix: profilePrefix(c.Profile), id: id, aead: key}
}

// keyID hashes the settings that decide which token c yields, and extra.
func keyID(c Identity, extra string) string {
	h := sha256.New()
	for _, s := range []string{route.NormalizeURL(c.TokenURL), c.ClientID, c.Audience, c.Scope, c.AuthMethod, extra} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:40]
}

const keystoreSalt = tools.Name

func profilePrefix(profile string) string {
	sum := sha256.Sum256([]byte("profile\x00" + profile))
	return hex.EncodeToString(sum[:])[:16]
}

func (c Files) path(k Key, ext string) string {
	return filepath.Join(c.Dir, k.prefix+"-"+k.id+ext)
}

// Load returns the cached entry for k. Anything unreadable, corrupt or
// undecryptable is discarded: the caller then fetches a new token.
func (c Files) Load(k Key) (*Entry, bool) {
	if c.Dir == "" {
		return nil, false
	}
	p := c.path(k, ".tok")
	b, err := readSmall(p)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			os.Remove(p)
		}
		return nil, false
	}
	e, err := decrypt(k, b)
	if err != nil {
		os.Remove(p)
		return nil, false
	}
	return e, true
}

func readSmall(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	const limit = 64 << 10
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if len(b) > limit {
		return nil, errors.New("cache entry too large")
	}
	return b, nil
}

const magic = "cch1"

func decrypt(k Key, b []byte) (*Entry, error) {
	aead, err := newAEAD(k.aead)
	if err != nil {
		return nil, err
	}
	if len(b) < len(magic)+aead.NonceSize() || string(b[:len(magic)]) != magic {
		return nil, errors.New("bad cache entry")
	}
	nonce := b[len(magic) : len(magic)+aead.NonceSize()]
	plain, err := aead.Open(nil, nonce, b[len(magic)+aead.NonceSize():], []byte(k.id))
	if err != nil {
		return nil, err
	}
	var e Entry
	if err := json.Unmarshal(plain, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Store writes e for k atomically. Failing to cache is not worth failing
// the call for: the token is still good.
func (c Files) Store(k Key, e *Entry) error {
	if c.Dir == "" {
		return nil
	}
	if err := c.mkdir(); err != nil {
		return err
	}
	plain, err := json.Marshal(e)
	if err != nil {
		return err
	}
	aead, err := newAEAD(k.aead)
	if err != nil {
		return err
	}
	out := make([]byte, len(magic)+aead.NonceSize(), len(magic)+aead.NonceSize()+len(plain)+aead.Overhead())
	copy(out, magic)
	if _, err := rand.Read(out[len(magic):]); err != nil {
		return err
	}
	out = aead.Seal(out, out[len(magic):], plain, []byte(k.id))
	return privfile.WriteAtomic(c.path(k, ".tok"), out)
}

func (c Files) mkdir() error {
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return err
	}
	if fi, err := os.Stat(c.Dir); err == nil && fi.Mode().Perm() != 0o700 {
		return os.Chmod(c.Dir, 0o700)
	}
	return nil
}

// Lock takes the per-key lock file, waiting at most until ctx ends. A
// holder that dies releases it (flock(2) locks die with their process).
// Only the end of ctx is reported as waiting too long: a lock file that
// cannot be made or opened is a failure of its own, and says so.
func (c Files) Lock(ctx context.Context, k Key) (func(), error) {
	if c.Dir == "" {
		return func() {}, nil
	}
	if err := c.mkdir(); err != nil {
		return nil, &credential.Error{Kind: credential.KindOther, Msg: "cannot create the token cache directory: " + err.Error(), Err: err}
	}
	l := flock.New(c.path(k, ".lock"))
	ok, err := l.TryLockContext(ctx, 5*time.Millisecond)
	switch {
	case ok:
		return func() { l.Unlock() }, nil
	case err == nil, ctx.Err() != nil && errors.Is(err, ctx.Err()):
		return nil, &credential.Error{Kind: credential.KindUnreachable, Msg: "timed out waiting for another invocation fetching the same token (see --timeout)", Err: ctx.Err()}
	}
	return nil, &credential.Error{Kind: credential.KindOther, Msg: "cannot lock the token cache: " + err.Error(), Err: err}
}

// Drop drops every cached token and remembered rejection of a profile.
func (c Files) Drop(profile string) error {
	if c.Dir == "" {
		return nil
	}
	prefix := profilePrefix(profile) + "-"
	des, err := os.ReadDir(c.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, de := range des {
		n := de.Name()
		if strings.HasPrefix(n, prefix) && (strings.HasSuffix(n, ".tok") || strings.HasSuffix(n, ".rejected")) {
			if err := os.Remove(filepath.Join(c.Dir, n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}
