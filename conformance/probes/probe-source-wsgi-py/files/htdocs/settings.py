SECRET_KEY = 'not-so-secret'
