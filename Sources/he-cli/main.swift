HeCLI.main()
