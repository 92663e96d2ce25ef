-- wrk: signs the HR officer of the demo member in, again and again (argon2 each time).
wrk.method = "POST"
wrk.body = '{"email":"rh@tilleuls.example","password":"Mutualis-demo-2026"}'
