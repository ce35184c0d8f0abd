from zjkcollect.cli import main

main()
