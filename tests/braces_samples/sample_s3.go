package sample

import (
	"fmt"
	"strings"
)

const (
	MaxSize = 10
	minSize, MidSize = 1, 5
)

var (
	Global  = "g"
	private = `raw { string`
)

type Server struct {
	addr string
}

type Handler interface {
	Serve() error
}

type Pair[K comparable, V any] struct{ k K; v V }

func NewServer(addr string) *Server {
	return &Server{addr: addr}
}

func (s *Server) Start() error {
	fmt.Println("starting {", s.addr)
	return nil
}

func (p Pair[K, V]) Key() K { return p.k }

func stub() {
	panic("not implemented")
}

func helper(a, b int) int {
	if a > b {
		return a - b
	}
	return strings.Count("x", "}")
}
