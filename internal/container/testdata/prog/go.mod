module example.com/engineprog

go 1.26
