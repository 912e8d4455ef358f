// pprofserver is the live Go service that ProfileFetchTests fetch profiles from: the
// standard net/http/pprof handlers over a program that keeps a little CPU, allocation,
// mutex and channel work going, plus endpoints that fail in the ways a fetch must report
// (here, and in hostile.go: bodies that drip, never end, inflate to gigabytes, or are cut off).
//
// It listens on 127.0.0.1 on a port of the kernel's choice and prints that port on its
// first line of standard output. It exits when its standard input closes (the test that
// started it is gone) or after -lifetime, whichever comes first, so it never outlives a
// test run.
//
// With -tls it serves HTTPS with a certificate for 127.0.0.1 and localhost signed by a CA
// it makes at start; the CA certificate is written as PEM to the -ca path.
package main

import (
	"compress/gzip"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"log"
	"math/big"
	mathrand "math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

func main() {
	useTLS := flag.Bool("tls", false, "serve HTTPS with a certificate signed by a CA made at start")
	caPath := flag.String("ca", "", "with -tls: where to write the CA certificate (PEM)")
	lifetime := flag.Duration("lifetime", 2*time.Minute, "exit after this long whatever happens")
	flag.Parse()

	runtime.SetMutexProfileFraction(1)
	runtime.SetBlockProfileRate(1)
	startWork()

	http.HandleFunc("/stall", stall)
	http.HandleFunc("/500", serverError)
	http.HandleFunc("/html", htmlPage)
	http.HandleFunc("/text", textPage)
	http.HandleFunc("/gziptext", gzipAsText)
	http.HandleFunc("/big", bigBody)
	http.HandleFunc("/bigsent", bigSent)
	http.HandleFunc("/ua", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, r.UserAgent())
	})
	http.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {})
	http.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/debug/pprof/heap", http.StatusFound)
	})
	http.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	if *useTLS {
		config, err := tlsConfig(*caPath)
		if err != nil {
			log.Fatal(err)
		}
		listener = tls.NewListener(listener, config)
	}
	fmt.Println(listener.Addr().(*net.TCPAddr).Port)

	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	go func() {
		time.Sleep(*lifetime)
		os.Exit(0)
	}()
	// Errors of the TLS handshakes that the tests make fail on purpose are not news.
	server := &http.Server{ErrorLog: log.New(io.Discard, "", 0)}
	log.Fatal(server.Serve(listener))
}

// startWork keeps every profile type non-empty: a CPU-bound loop that works about a fifth of
// the time, a map that grows and is replaced (heap, allocs), two goroutines that fight over a
// mutex (mutex), and a channel handoff (block, goroutine).
func startWork() {
	go func() {
		sum := sha256.Sum256(nil)
		for {
			deadline := time.Now().Add(2 * time.Millisecond)
			for time.Now().Before(deadline) {
				sum = sha256.Sum256(sum[:])
			}
			time.Sleep(8 * time.Millisecond)
		}
	}()
	go func() {
		var retained []map[int][]byte
		for i := 0; ; i++ {
			m := make(map[int][]byte)
			for j := 0; j < 1000; j++ {
				m[j] = make([]byte, 64)
			}
			retained = append(retained, m)
			if len(retained) > 20 {
				retained = retained[1:]
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	var mu sync.Mutex
	counter := 0
	for i := 0; i < 2; i++ {
		go func() {
			for {
				mu.Lock()
				counter++
				time.Sleep(100 * time.Microsecond)
				mu.Unlock()
				time.Sleep(time.Millisecond)
			}
		}()
	}
	handoff := make(chan int)
	go func() {
		for {
			handoff <- 1
		}
	}()
	go func() {
		for range handoff {
			time.Sleep(2 * time.Millisecond)
		}
	}()
}

// stall answers nothing until the client gives up (or a minute passes).
func stall(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(time.Minute):
	}
}

func serverError(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	fmt.Fprint(w, "profiling failed:\tdatabase \x1b[31mon fire\nsecond line\n")
}

func htmlPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, "<!DOCTYPE html>\n<html><head><title>Login</title></head><body>Please sign in.</body></html>\n")
}

func textPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprint(w, "hello from a proxy\n")
}

// gzipAsText sends 100000 pseudo-random bytes gzip-compressed (about 100 KB that gzip cannot
// shrink) under a text/plain content type, as a misconfigured proxy might label a profile.
func gzipAsText(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	data := make([]byte, 100000)
	mathrand.New(mathrand.NewSource(1)).Read(data)
	compressor := gzip.NewWriter(w)
	compressor.Write(data)
	compressor.Close()
}

// sent holds, for each /big?id=…, the bytes written once its handler has returned.
var sent sync.Map

// bigBody sends a gzip magic number and then zeros: without ?length=N, without end (up to 1 GiB,
// chunked, no Content-Length); with it, N bytes announced in Content-Length. With ?paced=1,
// at most 64 KiB a millisecond, as from a remote service rather than at loopback speed. With
// ?id=X, the number of bytes the client took is then told by /bigsent?id=X.
func bigBody(w http.ResponseWriter, r *http.Request) {
	written := int64(0)
	if id := r.URL.Query().Get("id"); id != "" {
		defer func() { sent.Store(id, written) }()
	}
	total := int64(1 << 30)
	if length := r.URL.Query().Get("length"); length != "" {
		n, err := strconv.ParseInt(length, 10, 64)
		if err != nil {
			http.Error(w, "bad length", http.StatusBadRequest)
			return
		}
		total = n
		w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
	}
	paced := r.URL.Query().Get("paced") != ""
	w.Header().Set("Content-Type", "application/octet-stream")
	chunk := make([]byte, 64<<10)
	chunk[0], chunk[1] = 0x1f, 0x8b
	for sent := int64(0); sent < total; {
		n := int64(len(chunk))
		if total-sent < n {
			n = total - sent
		}
		if _, err := w.Write(chunk[:n]); err != nil {
			return
		}
		written += n
		if paced {
			time.Sleep(time.Millisecond)
		}
		chunk[0], chunk[1] = 0, 0
		sent += n
	}
}

// bigSent answers "N" once /big?id=X has returned, having written N bytes, and 404 before.
func bigSent(w http.ResponseWriter, r *http.Request) {
	value, ok := sent.Load(r.URL.Query().Get("id"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	fmt.Fprint(w, value.(int64))
}

// tlsConfig makes a CA and a server certificate for 127.0.0.1 and localhost signed by it,
// and writes the CA certificate to caPath.
func tlsConfig(caPath string) (*tls.Config, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	caTemplate := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "pprofserver test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	serverKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serverTemplate := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
	}
	serverDER, err := x509.CreateCertificate(rand.Reader, serverTemplate, caCert, &serverKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	if caPath != "" {
		pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
		if err := os.WriteFile(caPath, pemBytes, 0o644); err != nil {
			return nil, err
		}
	}
	certificate := tls.Certificate{Certificate: [][]byte{serverDER, caDER}, PrivateKey: serverKey}
	return &tls.Config{Certificates: []tls.Certificate{certificate}}, nil
}
