module blind

go 1.19
