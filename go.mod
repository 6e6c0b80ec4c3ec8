module github.com/apacheconf/apacheconf

go 1.23

require (
	github.com/alecthomas/participle/v2 v2.1.4
	github.com/stretchr/testify v1.12.1
	go.yaml.in/yaml/v3 v3.0.5
)

require (
	github.com/pmezard/go-difflib v1.0.0 // indirect
)
