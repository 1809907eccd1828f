" bnn (binary neural network description) files
autocmd BufRead,BufNewFile *.bnn setfiletype bnn
