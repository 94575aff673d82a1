from compete import create_app

app = create_app()
