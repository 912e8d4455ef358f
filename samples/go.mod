module proflens/samples

go 1.19
