from leerpad.cli import main

main()
